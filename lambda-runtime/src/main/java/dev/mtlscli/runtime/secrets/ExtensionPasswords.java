package dev.mtlscli.runtime.secrets;

import dev.mtlscli.runtime.MtlsRuntimeException;
import dev.mtlscli.runtime.json.JsonTree;
import dev.mtlscli.runtime.layer.ParameterRef;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Store passwords through the AWS Parameters and Secrets Lambda Extension: a local HTTP GET per
 * parameter (localhost:PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, default 2773) with the function's
 * session token, each pinned to the version the layer's manifest names. The extension calls
 * SSM (GetParameter) with the function's role and caches the answers; the function itself loads
 * no AWS SDK class, which is most of a cold start (docs/benchmarks.md).
 *
 * The extension starts alongside the runtime, so its port may not be open yet when the
 * function's init runs, or it may answer that it is not ready: both are tried again every 20 ms
 * until the timeout (MTLS_EXTENSION_TIMEOUT_MS, default 5000). That timeout bounds each answer
 * whole, headers and body, and a body is read up to MAX_ANSWER_BYTES (BoundedAnswer): a server on
 * the port that trickles or streams its answer fails at the deadline or the limit, not never.
 */
public final class ExtensionPasswords implements PasswordProvider {
    /** The extension's own setting of its local port; the runtime reads it with the same name. */
    public static final String PORT_ENV = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT";
    /** The extension's port when PARAMETERS_SECRETS_EXTENSION_HTTP_PORT is not set. */
    public static final int DEFAULT_PORT = 2773;
    /** The function's session token, which the extension requires on every request (set by Lambda). */
    public static final String TOKEN_ENV = "AWS_SESSION_TOKEN";
    /** Milliseconds to wait for the extension, its start included (default 5000). */
    public static final String TIMEOUT_ENV = "MTLS_EXTENSION_TIMEOUT_MS";
    static final String TOKEN_HEADER = "X-Aws-Parameters-Secrets-Token";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * The most bytes one answer may have. A GetParameter result is the JSON of one parameter, whose
     * value is at most 8 KB (advanced tier) plus its name, ARN and metadata; 64 KiB leaves room.
     */
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final int MAX_ANSWER_EXCERPT = 200;
    private static final Duration RETRY_PAUSE = Duration.ofMillis(20);

    private final URI endpoint;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * Passwords from the extension at this endpoint.
     *
     * @param endpoint the extension's root, http://localhost:2773 in Lambda
     * @param token    the function's session token, sent in X-Aws-Parameters-Secrets-Token
     * @param timeout  how long {@link #passwords} waits for all answers, the extension's start included
     * @throws dev.mtlscli.runtime.MtlsRuntimeException when the token is missing: the extension
     *         would refuse every request
     */
    public ExtensionPasswords(URI endpoint, String token, Duration timeout) {
        if (token == null || token.isEmpty()) {
            throw new MtlsRuntimeException("no session token for the Parameters and Secrets extension (" + TOKEN_ENV + " is not set)");
        }
        this.endpoint = endpoint;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /**
     * As in Lambda: the port from PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, the token from
     * AWS_SESSION_TOKEN, the timeout from MTLS_EXTENSION_TIMEOUT_MS.
     *
     * @param environment the function's environment ({@code System.getenv()})
     * @return passwords through the extension on localhost
     * @throws dev.mtlscli.runtime.MtlsRuntimeException when the port or timeout is not a number,
     *         or the token is missing
     */
    public static ExtensionPasswords fromEnvironment(Map<String, String> environment) {
        int port = DEFAULT_PORT;
        String configured = environment.get(PORT_ENV);
        if (configured != null && !configured.isBlank()) {
            try {
                port = Integer.parseInt(configured.trim());
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new MtlsRuntimeException(PORT_ENV + " is not a port number: '" + configured + "'");
            }
        }
        Duration timeout = TimeoutSetting.read(environment, TIMEOUT_ENV, DEFAULT_TIMEOUT);
        return new ExtensionPasswords(URI.create("http://localhost:" + port), environment.get(TOKEN_ENV), timeout);
    }

    @Override
    public Map<ParameterRef, char[]> passwords(Collection<ParameterRef> parameters) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ParameterRef> wanted = new ArrayList<>(new LinkedHashSet<>(parameters));
        // one GET per parameter, all at once: on a cache miss each one is an SSM call
        List<CompletableFuture<char[]>> answers = new ArrayList<>();
        for (ParameterRef ref : wanted) {
            answers.add(fetch(ref, deadline, null));
        }
        Map<ParameterRef, char[]> found = new LinkedHashMap<>();
        for (int i = 0; i < wanted.size(); i++) {
            try {
                found.put(wanted.get(i), answers.get(i).join());
            } catch (CompletionException e) {
                if (e.getCause() instanceof MtlsRuntimeException failure) {
                    throw failure;
                }
                throw new MtlsRuntimeException(failed(wanted.get(i), String.valueOf(e.getCause())), e.getCause());
            }
        }
        return found;
    }

    /**
     * @param previous the extension's last "not ready" answer, or null on the first try: when the
     *                 deadline cuts a retry short, that answer is the one to report, because it
     *                 says what the extension is doing, where a timeout would suggest it is not there
     */
    private CompletableFuture<char[]> fetch(ParameterRef ref, long deadline, HttpResponse<byte[]> previous) {
        HttpRequest request = HttpRequest.newBuilder(uri(ref))
                .timeout(remaining(deadline))
                .header(TOKEN_HEADER, token)
                .GET()
                .build();
        return http.sendAsync(request, BoundedAnswer.handler(MAX_ANSWER_BYTES, deadline))
                .handle((response, error) -> {
                    if (error == null) {
                        if (startingUp(response) && timeForAnotherTry(deadline)) {
                            return retryLater(ref, deadline, response);
                        }
                        return CompletableFuture.completedFuture(password(ref, response));
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof ConnectException && timeForAnotherTry(deadline)) {
                        return retryLater(ref, deadline, previous);
                    }
                    if (previous != null && cutByTheDeadline(cause)) {
                        return CompletableFuture.completedFuture(password(ref, previous));
                    }
                    throw new MtlsRuntimeException(failed(ref, describe(cause)), cause);
                })
                .thenCompose(next -> next);
    }

    /** The extension answers 400 "not ready to serve traffic" until it has initialized. */
    private static boolean startingUp(HttpResponse<byte[]> response) {
        return response.statusCode() == 400 && new String(response.body(), StandardCharsets.UTF_8).contains("not ready");
    }

    /** The extension's port is not open yet, or it is still starting: try again shortly, until the deadline. */
    private CompletableFuture<char[]> retryLater(ParameterRef ref, long deadline, HttpResponse<byte[]> previous) {
        return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(RETRY_PAUSE.toNanos(), TimeUnit.NANOSECONDS))
                .thenCompose(ignored -> fetch(ref, deadline, previous));
    }

    private static boolean cutByTheDeadline(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof BoundedAnswer.TooSlow || c instanceof HttpTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Whether a pause and one more request fit before the deadline; otherwise the last answer is the one reported. */
    private static boolean timeForAnotherTry(long deadline) {
        return System.nanoTime() + 2 * RETRY_PAUSE.toNanos() < deadline;
    }

    private URI uri(ParameterRef ref) {
        return endpoint.resolve("/systemsmanager/parameters/get?name=" + URLEncoder.encode(ref.name(), StandardCharsets.UTF_8)
                + "&version=" + ref.version() + "&withDecryption=true");
    }

    private Duration remaining(long deadline) {
        long left = deadline - System.nanoTime();
        return Duration.ofNanos(Math.max(left, Duration.ofMillis(1).toNanos()));
    }

    private char[] password(ParameterRef ref, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new MtlsRuntimeException(failed(ref, "the extension refused the session token (HTTP " + status + ": "
                    + excerpt(response.body()) + ")"));
        }
        if (status != 200) {
            String answer = excerpt(response.body());
            String what = answer.contains("ParameterVersionNotFound") ? "no such version of the parameter"
                    : answer.contains("ParameterNotFound") ? "no such parameter" : "the extension answered";
            throw new MtlsRuntimeException(failed(ref, what + " (HTTP " + status + ": " + answer + ")"));
        }
        Map<String, Object> root;
        try {
            root = JsonTree.parseObject(response.body());
        } catch (IOException | RuntimeException e) {
            root = null;
        }
        if (root == null || !(root.get("Parameter") instanceof Map<?, ?> parameter)) {
            throw new MtlsRuntimeException(failed(ref, "the extension's answer is not a GetParameter result"));
        }
        Object name = parameter.get("Name");
        Object version = parameter.get("Version");
        if (!ref.name().equals(name) || !(version instanceof Number number) || number.longValue() != ref.version()) {
            throw new MtlsRuntimeException(failed(ref, "the extension answered with " + name + ":" + version));
        }
        if (!(parameter.get("Value") instanceof String value) || value.isEmpty()) {
            throw new MtlsRuntimeException(failed(ref, "the extension's answer has no value"));
        }
        return value.toCharArray();
    }

    private String failed(ParameterRef ref, String cause) {
        return "Parameters and Secrets extension at " + endpoint + ": cannot get " + ref.selector() + ": " + cause;
    }

    private String describe(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof BoundedAnswer.TooLarge) {
                return "the extension sent more than " + MAX_ANSWER_BYTES + " bytes (a GetParameter answer is a few KB: is it the"
                        + " extension that listens on that port?)";
            }
            if (c instanceof BoundedAnswer.TooSlow) {
                return "no complete answer within " + timeout.toMillis() + " ms (" + TIMEOUT_ENV + "; is it the extension that"
                        + " listens on that port?)";
            }
        }
        if (cause instanceof HttpTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (cause instanceof ConnectException) {
            return "nothing listens there after " + timeout.toMillis() + " ms (is the extension's layer attached, and "
                    + PORT_ENV + " its port?)";
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    /** The start of an error answer, on one line: it names the cause, and holds no password (an error has none). */
    private static String excerpt(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, MAX_ANSWER_EXCERPT * 4), StandardCharsets.UTF_8).strip();
        StringBuilder line = new StringBuilder();
        text.codePoints().limit(MAX_ANSWER_EXCERPT).forEach(c -> line.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return line.length() == 0 ? "empty answer" : line.toString();
    }
}
