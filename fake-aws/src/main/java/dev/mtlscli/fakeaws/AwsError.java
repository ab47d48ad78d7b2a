package dev.mtlscli.fakeaws;

import java.util.Map;

/**
 * An error answer as an AWS service gives it: an HTTP status, an error type (the {@code __type} of
 * the JSON body and the {@code x-amzn-ErrorType} header) and a message. Thrown by the operation
 * code and turned into the response by the protocol handler.
 */
public final class AwsError extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final Map<String, String> fields;
    private final Map<String, String> headers;

    public AwsError(int status, String type, String message) {
        this(status, type, message, Map.of(), Map.of());
    }

    /**
     * An error whose model has members beyond the message: {@code fields} go into the JSON body,
     * {@code headers} into the response headers (e.g. Lambda's TooManyRequestsException carries
     * {@code Reason} in the body and {@code Retry-After} as a header).
     */
    AwsError(int status, String type, String message, Map<String, String> fields, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.fields = Map.copyOf(fields);
        this.headers = Map.copyOf(headers);
    }

    /** A 400 answer, as most AWS client errors are. */
    public static AwsError badRequest(String type, String message) {
        return new AwsError(400, type, message);
    }

    /** AWS's wording for a request that does not pass a model constraint. */
    public static AwsError validation(String message) {
        return badRequest("ValidationException", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** Members of the error's body beyond its type and message. */
    Map<String, String> fields() {
        return fields;
    }

    /** Response headers the error's model places there. */
    Map<String, String> headers() {
        return headers;
    }
}
