package dev.mtlscli.fakeaws;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A successful REST answer: status, extra headers, content type and body bytes. */
record RestAnswer(int status, Map<String, String> headers, String contentType, byte[] body) {

    static RestAnswer json(int status, Map<String, ?> body) {
        return new RestAnswer(status, Map.of(), "application/json",
                Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    /** The answer of an operation whose model has no output, e.g. a 204 to a DELETE. */
    static RestAnswer empty(int status) {
        return new RestAnswer(status, Map.of(), null, new byte[0]);
    }

    RestAnswer withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new RestAnswer(status, Map.copyOf(more), contentType, body);
    }
}
