package dev.mtlscli.demofunction;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * no-mtls: a plain HTTPS GET with the JDK's defaults, no client certificate and the JDK's
 * truststore. It shows the failure the other approaches fix: the JDK does not trust the
 * backend's private CA, so the answer is a 500 saying "PKIX path building failed".
 */
public final class NoMtlsHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final URI backend;
    private final HttpClient client = HttpClient.newHttpClient();

    public NoMtlsHandler() {
        this(System.getenv());
    }

    public NoMtlsHandler(Map<String, String> environment) {
        this.backend = Demo.backend(environment, Demo.BACKEND_1_ENV);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return Demo.respond(() -> Demo.body(client.send(HttpRequest.newBuilder(backend).GET().build(),
                HttpResponse.BodyHandlers.ofString())));
    }
}
