package dev.mtlscli.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mtlscli.MtlsException;
import dev.mtlscli.json.Json;
import dev.mtlscli.json.JsonObject;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Parameter Store of `mtls-cli demo`: the SSM {@code GetParameters} call of the JSON 1.1
 * protocol, the only one the demo handlers make, answered from the passwords it was started
 * with, each as SecureString version 1 (the version the demo layer's manifests pin).
 *
 * It listens on 127.0.0.1 only, for the seconds the demo runs. Other users of the machine can
 * reach loopback too, so a request must carry the session token of this run's random
 * credentials ({@link #newClient()} signs with them); like the Parameters and Secrets extension,
 * it takes the token as the caller's proof and does not re-check the SigV4 signature. It is no
 * fake of AWS: anything but GetParameters is refused.
 */
public final class LoopbackParameterStore implements AutoCloseable {
    static final String GET_PARAMETERS = "AmazonSSM.GetParameters";
    static final int MAX_BODY = 64 * 1024;
    /** GetParameters takes at most 10 names. */
    static final int MAX_NAMES = 10;
    private static final Region REGION = Region.US_EAST_1;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, String> secureStrings;
    private final AwsSessionCredentials credentials;

    private LoopbackParameterStore(HttpServer server, ExecutorService executor, Map<String, String> secureStrings,
                                   AwsSessionCredentials credentials) {
        this.server = server;
        this.executor = executor;
        this.secureStrings = secureStrings;
        this.credentials = credentials;
    }

    /** Starts serving {@code secureStrings} (name to value) on a free loopback port. */
    public static LoopbackParameterStore start(Map<String, String> secureStrings) {
        SecureRandom random = new SecureRandom();
        AwsSessionCredentials credentials = AwsSessionCredentials.create("ASIAMTLSDEMO" + randomToken(random, 6),
                randomToken(random, 30), randomToken(random, 32));
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "mtls-demo-parameter-store");
            thread.setDaemon(true);
            return thread;
        });
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            LoopbackParameterStore store = new LoopbackParameterStore(server, executor, Map.copyOf(secureStrings), credentials);
            server.createContext("/", store::handle);
            server.setExecutor(executor);
            server.start();
            return store;
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot listen on loopback for the demo's Parameter Store: " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** An SSM client of the real SDK with this run's credentials, pointed at this store. */
    public SsmClient newClient() {
        return SsmClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .endpointOverride(endpoint())
                .build();
    }

    /** This run's credentials: tests send raw requests with them. */
    AwsSessionCredentials credentials() {
        return credentials;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Answer answer = answer(exchange);
            byte[] body = Json.writeLine(answer.body()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private record Answer(int status, Map<String, Object> body) {
        static Answer error(int status, String type, String message) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("__type", type);
            body.put("message", message);
            return new Answer(status, body);
        }
    }

    private Answer answer(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return Answer.error(405, "UnknownOperationException", "only POST is served");
        }
        String token = exchange.getRequestHeaders().getFirst("X-Amz-Security-Token");
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                credentials.sessionToken().getBytes(StandardCharsets.UTF_8))) {
            return Answer.error(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (!GET_PARAMETERS.equals(target)) {
            return Answer.error(400, "UnknownOperationException", "the demo's Parameter Store answers GetParameters only");
        }
        byte[] request = readAtMost(exchange.getRequestBody(), MAX_BODY);
        if (request == null) {
            return Answer.error(413, "ValidationException", "the request is larger than " + MAX_BODY + " bytes");
        }
        JsonObject parsed;
        List<String> names;
        try {
            parsed = Json.parseObject(request, "the request").allowOnly(Set.of("Names", "WithDecryption"));
            names = parsed.strings("Names");
        } catch (MtlsException e) {
            return Answer.error(400, "SerializationException", e.getMessage());
        }
        if (names == null || names.isEmpty() || names.size() > MAX_NAMES) {
            return Answer.error(400, "ValidationException", "Names must hold 1 to " + MAX_NAMES + " names");
        }
        boolean decrypt = Boolean.TRUE.equals(parsed.bool("WithDecryption"));
        return new Answer(200, parameters(names, decrypt));
    }

    private Map<String, Object> parameters(List<String> names, boolean decrypt) {
        List<Object> found = new ArrayList<>();
        List<Object> invalid = new ArrayList<>();
        for (String requested : names) {
            int colon = requested.lastIndexOf(':');
            String name = colon < 0 ? requested : requested.substring(0, colon);
            String selector = colon < 0 ? null : requested.substring(colon);
            String value = secureStrings.get(name);
            if (value == null || (selector != null && !selector.equals(":1"))) {
                invalid.add(requested);
                continue;
            }
            Map<String, Object> parameter = new LinkedHashMap<>();
            parameter.put("Name", name);
            parameter.put("Type", "SecureString");
            // without decryption SSM answers the ciphertext; the demo has none, so it answers nothing usable
            parameter.put("Value", decrypt ? value : "");
            parameter.put("Version", 1);
            if (selector != null) {
                parameter.put("Selector", selector);
            }
            parameter.put("DataType", "text");
            found.add(parameter);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Parameters", found);
        body.put("InvalidParameters", invalid);
        return body;
    }

    /** The whole stream, or null when it holds more than {@code limit} bytes. */
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        return bytes.length > limit ? null : bytes;
    }

    private static String randomToken(SecureRandom random, int bytes) {
        byte[] token = new byte[bytes];
        random.nextBytes(token);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }
}
