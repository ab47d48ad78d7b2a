package dev.mtlscli.demofunction;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mtlscli.runtime.tls.SslContexts;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * lambda-only: the stores are packaged with the function (keystore.p12 and truststore.p12 in
 * its root) and the sample's approach is kept: the JSSE system properties javax.net.ssl.* point
 * at them, with the passwords from the environment (KEYSTORE_PASSWORD, TRUSTSTORE_PASSWORD).
 * Passwords in the environment are the sample's choice, opted into here explicitly; the
 * parameter-store approach avoids them. MTLS_ARTIFACT_DIR replaces LAMBDA_TASK_ROOT for local runs.
 */
public final class LambdaOnlyHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    static final String ARTIFACT_DIR_ENV = "MTLS_ARTIFACT_DIR";
    static final String TASK_ROOT_ENV = "LAMBDA_TASK_ROOT";
    static final String KEYSTORE_FILE = "keystore.p12";
    static final String TRUSTSTORE_FILE = "truststore.p12";

    /** The JVM-wide javax.net.ssl.* properties this handler sets. */
    private static final List<String> JSSE_PROPERTIES = List.of("keyStore", "keyStoreType", "keyStorePassword",
            "trustStore", "trustStoreType", "trustStorePassword");

    private final URI backend;
    private final HttpClient client;

    /**
     * Runs an action (typically creating this handler and invoking it) and puts back the JSSE
     * properties as they were before, for callers that run it in a JVM shared with other work.
     */
    public static <T> T withJssePropertiesRestored(Supplier<T> action) {
        Map<String, String> saved = new HashMap<>();
        JSSE_PROPERTIES.forEach(name -> saved.put(name, System.getProperty("javax.net.ssl." + name)));
        try {
            return action.get();
        } finally {
            saved.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty("javax.net.ssl." + name);
                } else {
                    System.setProperty("javax.net.ssl." + name, value);
                }
            });
        }
    }

    public LambdaOnlyHandler() {
        this(System.getenv());
    }

    public LambdaOnlyHandler(Map<String, String> environment) {
        this.backend = Demo.backend(environment, Demo.BACKEND_1_ENV);
        Path root = Path.of(Demo.required(environment, environment.containsKey(ARTIFACT_DIR_ENV) ? ARTIFACT_DIR_ENV : TASK_ROOT_ENV));
        System.setProperty("javax.net.ssl.keyStore", root.resolve(KEYSTORE_FILE).toString());
        System.setProperty("javax.net.ssl.keyStoreType", "PKCS12");
        System.setProperty("javax.net.ssl.keyStorePassword", Demo.required(environment, Demo.KEYSTORE_PASSWORD_ENV));
        System.setProperty("javax.net.ssl.trustStore", root.resolve(TRUSTSTORE_FILE).toString());
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        System.setProperty("javax.net.ssl.trustStorePassword", Demo.required(environment, Demo.TRUSTSTORE_PASSWORD_ENV));
        this.client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .sslContext(fromJsseProperties())
                .build();
    }

    /**
     * The SSLContext the JSSE properties describe. Not SSLContext.getDefault(): the default
     * context is JVM-global and built once, from whatever the properties said the first time
     * anything asked for it, so in a JVM that already made a TLS call (tests, a warm local run)
     * it would silently ignore these properties. Building it from the same values read back
     * gives what a fresh Lambda JVM's default context would be.
     */
    static SSLContext fromJsseProperties() {
        char[] keyPassword = System.getProperty("javax.net.ssl.keyStorePassword").toCharArray();
        String trustFile = System.getProperty("javax.net.ssl.trustStore");
        KeyStore keyStore = SslContexts.load(Path.of(System.getProperty("javax.net.ssl.keyStore")),
                System.getProperty("javax.net.ssl.keyStoreType"), keyPassword);
        KeyStore trustStore = SslContexts.load(Path.of(trustFile), System.getProperty("javax.net.ssl.trustStoreType"),
                System.getProperty("javax.net.ssl.trustStorePassword").toCharArray());
        return SslContexts.create(keyStore, keyPassword, trustStore, trustFile);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return Demo.respond(() -> Demo.body(client.send(HttpRequest.newBuilder(backend).GET().build(),
                HttpResponse.BodyHandlers.ofString())));
    }
}
