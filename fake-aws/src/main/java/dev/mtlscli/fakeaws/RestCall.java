package dev.mtlscli.fakeaws;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A routed REST request: the operation, its URI parameters, the decoded query parameters, the
 * headers (lower-case names) and the body, raw and parsed as a JSON object (empty when the
 * operation's body is not JSON, e.g. Invoke's payload).
 */
record RestCall(String operation, Map<String, String> pathParams, Map<String, List<String>> query,
                Map<String, List<String>> headers, byte[] body, Map<String, Object> json) {

    String pathParam(String name) {
        return pathParams.get(name);
    }

    /** The first value of a query parameter, or null. */
    String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The first value of a header, by case-insensitive name, or null. */
    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
