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
    private final transient Map<String, Object> members;
    private final Map<String, String> headers;

    public AwsError(int status, String type, String message) {
        this(status, type, message, Map.of(), Map.of());
    }

    /**
     * An error whose body carries members beside the message, as DynamoDB's
     * ConditionalCheckFailedException carries the item it checked (ReturnValuesOnConditionCheckFailure).
     */
    public AwsError(int status, String type, String message, Map<String, Object> members) {
        this(status, type, message, members, Map.of());
    }

    /**
     * An error whose model also places members in the response headers (e.g. Lambda's
     * TooManyRequestsException carries {@code Reason} in the body and {@code Retry-After} as a header).
     */
    AwsError(int status, String type, String message, Map<String, ? extends Object> members, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.members = Map.<String, Object>copyOf(members);
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

    /** The body's members beside {@code __type} and {@code message}; usually none. */
    public Map<String, Object> members() {
        return members;
    }

    /** Response headers the error's model places there. */
    Map<String, String> headers() {
        return headers;
    }
}
