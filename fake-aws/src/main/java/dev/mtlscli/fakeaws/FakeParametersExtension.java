package dev.mtlscli.fakeaws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The AWS Parameters and Secrets Lambda Extension's Parameter Store API on loopback, answering
 * from a {@link FakeSsm}'s state: GET /systemsmanager/parameters/get?name=NAME[&amp;version=N]
 * [&amp;withDecryption=true] with the X-Aws-Parameters-Secrets-Token header equal to the
 * function's AWS_SESSION_TOKEN. The answer is GetParameter's JSON ({"Parameter": {...}}).
 *
 * Its error answers, as the extension gives them: a request without the token or with another
 * one is 401; a request before the extension is ready is 400 "not ready to serve traffic"; a
 * parameter or version SSM does not have is 400 with SSM's error (ParameterNotFound,
 * ParameterVersionNotFound), a SecureString asked for without decryption comes back encrypted.
 * Tests can make it answer 5xx or close the connection, and count the requests.
 */
public final class FakeParametersExtension implements AutoCloseable {
    public static final String TOKEN_HEADER = "X-Aws-Parameters-Secrets-Token";
    public static final String PATH = "/systemsmanager/parameters/get";

    private final FakeSsm ssm;
    private final String token;
    private final HttpServer server;
    private final List<URI> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger notReadyAnswers = new AtomicInteger();
    private volatile int failWithStatus;

    private FakeParametersExtension(FakeSsm ssm, String token, HttpServer server) {
        this.ssm = ssm;
        this.token = token;
        this.server = server;
    }

    /** @param token the session token the function sends (AWS_SESSION_TOKEN) */
    public static FakeParametersExtension start(FakeSsm ssm, String token) {
        return start(ssm, token, 0);
    }

    /** On a given port (0: any free one), for a test of a late start. */
    public static FakeParametersExtension start(FakeSsm ssm, String token, int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            FakeParametersExtension extension = new FakeParametersExtension(ssm, token, server);
            server.createContext("/", extension::handle);
            server.start();
            return extension;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake Parameters and Secrets extension: " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI endpoint() {
        return URI.create("http://localhost:" + port());
    }

    /** The request URIs received (path and query), in order. */
    public List<URI> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The next {@code count} requests get the answer of an extension still starting. */
    public void notReadyFor(int count) {
        notReadyAnswers.set(count);
    }

    /** Every request gets this status (a 5xx) until set to 0. */
    public void failWith(int status) {
        this.failWithStatus = status;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.add(exchange.getRequestURI());
            if (!"GET".equals(exchange.getRequestMethod()) || !PATH.equals(exchange.getRequestURI().getPath())) {
                send(exchange, 404, "not found");
                return;
            }
            String sent = exchange.getRequestHeaders().getFirst(TOKEN_HEADER);
            if (sent == null || !sent.equals(token)) {
                send(exchange, 401, "unauthorized: " + TOKEN_HEADER + " is missing or is not the session token");
                return;
            }
            if (notReadyAnswers.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                send(exchange, 400, "not ready to serve traffic, please wait");
                return;
            }
            if (failWithStatus != 0) {
                send(exchange, failWithStatus, "internal error");
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String name = query.get("name");
            if (name == null || name.isEmpty()) {
                send(exchange, 400, "the name query parameter is required");
                return;
            }
            Optional<FakeSsm.ParameterVersion> found;
            if (query.containsKey("version")) {
                long version;
                try {
                    version = Long.parseLong(query.get("version"));
                } catch (NumberFormatException e) {
                    send(exchange, 400, "ValidationException: version must be a number");
                    return;
                }
                if (!ssm.exists(name)) {
                    send(exchange, 400, error("ParameterNotFound", "Parameter " + name + " not found."));
                    return;
                }
                found = ssm.version(name, version);
                if (found.isEmpty()) {
                    send(exchange, 400, error("ParameterVersionNotFound", "Version " + version + " of parameter " + name + " not found."));
                    return;
                }
            } else {
                found = ssm.latest(name);
                if (found.isEmpty()) {
                    send(exchange, 400, error("ParameterNotFound", "Parameter " + name + " not found."));
                    return;
                }
            }
            boolean decrypt = "true".equalsIgnoreCase(query.get("withDecryption"));
            send(exchange, 200, answer(found.get(), decrypt));
        }
    }

    private String answer(FakeSsm.ParameterVersion parameter, boolean decrypt) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("ARN", ssm.arn(parameter.name()));
        node.put("DataType", "text");
        node.put("Name", parameter.name());
        node.put("Selector", null);
        node.put("SourceResult", null);
        node.put("Type", parameter.type());
        node.put("Value", parameter.secure() && !decrypt ? parameter.encryptedValue() : parameter.value());
        node.put("Version", parameter.version());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("Parameter", node);
        root.put("ResultMetadata", Map.of());
        return Json.write(root);
    }

    private static String error(String type, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("__type", type);
        error.put("message", message);
        return Json.write(error);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(key, value);
        }
        return values;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "text/plain");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
