package dev.mtlscli.fakeaws;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP request as it came off the wire: method, the URI as sent (still percent-encoded), the
 * headers with lower-case names, and the body bytes.
 */
record ReceivedRequest(String method, URI uri, Map<String, List<String>> headers, byte[] body) {

    static ReceivedRequest read(HttpExchange exchange) throws IOException {
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .addAll(values));
        headers.replaceAll((name, values) -> List.copyOf(values));
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        return new ReceivedRequest(exchange.getRequestMethod(), exchange.getRequestURI(),
                Collections.unmodifiableMap(headers), body);
    }

    /** The first value of a header, by case-insensitive name, or null. */
    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
