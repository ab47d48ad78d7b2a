package dev.mtlscli.fakeaws;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request the fake received and how it answered it, for assertions in tests.
 *
 * @param service    the signing name of the service it was routed to ({@code "ssm"}), or null
 * @param operation  the operation ({@code "GetParameters"}), or null when none could be read
 * @param headers    the request headers, names in lower case
 * @param body       the request body as text
 * @param json       the body parsed as a JSON object; empty when it is not one
 * @param status     the HTTP status the fake answered with
 * @param errorType  the AWS error type answered, or null on success
 */
public record RecordedRequest(
        String service,
        String operation,
        Map<String, List<String>> headers,
        String body,
        Map<String, Object> json,
        int status,
        String errorType) {

    public RecordedRequest {
        headers = Map.copyOf(headers);
        json = json == null ? Map.of() : json;
    }

    /** The first value of a header, by case-insensitive name, or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public boolean succeeded() {
        return errorType == null;
    }
}
