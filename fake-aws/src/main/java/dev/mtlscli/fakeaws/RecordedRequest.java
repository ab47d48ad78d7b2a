package dev.mtlscli.fakeaws;

import java.time.Instant;
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
 * @param at         when the fake answered it, by the fake's clock (null only before it is recorded)
 */
public record RecordedRequest(
        String service,
        String operation,
        Map<String, List<String>> headers,
        String body,
        Map<String, Object> json,
        int status,
        String errorType,
        Instant at) {

    public RecordedRequest {
        headers = Map.copyOf(headers);
        json = json == null ? Map.of() : json;
    }

    /** A request as a protocol handler saw it; the fake stamps the time when it records it. */
    public RecordedRequest(String service, String operation, Map<String, List<String>> headers, String body,
                           Map<String, Object> json, int status, String errorType) {
        this(service, operation, headers, body, json, status, errorType, null);
    }

    RecordedRequest at(Instant answeredAt) {
        return new RecordedRequest(service, operation, headers, body, json, status, errorType, answeredAt);
    }

    /**
     * The region the request's SigV4 credential scope names ({@code Credential=AKID/date/region/...}),
     * or null when it was not signed that way.
     */
    public String signedRegion() {
        String authorization = header("authorization");
        int credential = authorization == null ? -1 : authorization.indexOf("Credential=");
        if (credential < 0) {
            return null;
        }
        String[] scope = authorization.substring(credential + "Credential=".length()).split("[/,]");
        return scope.length > 2 ? scope[2] : null;
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
