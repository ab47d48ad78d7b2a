package dev.mtlscli.demofunction;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.runtime.MtlsRuntimeException;
import dev.mtlscli.runtime.layer.LayerLayout;
import dev.mtlscli.runtime.secrets.PasswordProvider;
import dev.mtlscli.runtime.tls.TlsPolicy;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletionException;

/** What the five demo handlers share: where the backends are, and how answers and failures become API Gateway responses. */
final class Demo {
    static final String SERVICE_1 = "service-1";
    static final String SERVICE_2 = "service-2";
    static final String BACKEND_1_ENV = "BACKEND_SERVICE_1_HOST_NAME";
    static final String BACKEND_2_ENV = "BACKEND_SERVICE_2_HOST_NAME";
    static final String KEYSTORE_PASSWORD_ENV = "KEYSTORE_PASSWORD";
    static final String TRUSTSTORE_PASSWORD_ENV = "TRUSTSTORE_PASSWORD";

    /** One backend call, whose checked exceptions {@link #respond} turns into a 500. */
    interface Call {
        String body() throws Exception;
    }

    private Demo() {
    }

    /** https://HOST[:PORT]/ from a variable such as BACKEND_SERVICE_1_HOST_NAME=localhost:8443. */
    static URI backend(Map<String, String> environment, String variable) {
        return URI.create("https://" + required(environment, variable).trim() + "/");
    }

    static String required(Map<String, String> environment, String variable) {
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            throw new MtlsRuntimeException("environment variable " + variable + " is not set");
        }
        return value;
    }

    /** The handlers' clients from the layer (MTLS_LAYER_ROOT or /opt), with the TLS policy of the environment. */
    static MtlsClients clients(Map<String, String> environment, PasswordProvider passwords, String... services) {
        return MtlsClients.builder()
                .layerRoot(LayerLayout.root(environment))
                .tlsPolicy(TlsPolicy.fromEnvironment(environment))
                .passwords(passwords)
                .services(services)
                .build();
    }

    /** The backend's body; any other status than 200 is a failure, so that an error page is never passed on as an answer. */
    static String body(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new MtlsRuntimeException(response.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static APIGatewayProxyResponseEvent respond(Call call) {
        try {
            return response(200, "application/json", call.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure(e);
        } catch (Exception e) {
            return failure(e);
        }
    }

    /** A 500 whose body is the error message: the demo shows callers why the call failed. */
    static APIGatewayProxyResponseEvent failure(Throwable e) {
        Throwable cause = e;
        // the wrappers of concurrent calls carry no message of their own
        while ((cause instanceof CompletionException || cause instanceof UncheckedIOException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        return response(500, "text/plain", message);
    }

    private static APIGatewayProxyResponseEvent response(int status, String contentType, String body) {
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(status)
                .withHeaders(Map.of("Content-Type", contentType))
                .withBody(body);
    }
}
