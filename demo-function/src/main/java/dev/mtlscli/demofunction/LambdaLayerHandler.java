package dev.mtlscli.demofunction;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mtlscli.runtime.MtlsClient;
import dev.mtlscli.runtime.layer.LayerLayout;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.LayerManifests;
import dev.mtlscli.runtime.secrets.EnvironmentPasswords;

import java.net.URI;
import java.util.Map;

/**
 * lambda-layer: service 1's stores come from the layer (/opt/mtls/service-1/, or under
 * MTLS_LAYER_ROOT), their passwords from the environment. The manifest's two password
 * parameters are mapped to KEYSTORE_PASSWORD and TRUSTSTORE_PASSWORD explicitly, because the
 * runtime never falls back to environment variables on its own.
 */
public final class LambdaLayerHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final URI backend;
    private final MtlsClient client;

    public LambdaLayerHandler() {
        this(System.getenv());
    }

    public LambdaLayerHandler(Map<String, String> environment) {
        this.backend = Demo.backend(environment, Demo.BACKEND_1_ENV);
        LayerManifest manifest = LayerManifests.read(LayerLayout.manifest(LayerLayout.root(environment), Demo.SERVICE_1));
        EnvironmentPasswords passwords = new EnvironmentPasswords(Map.of(
                manifest.keyStore().password(), Demo.KEYSTORE_PASSWORD_ENV,
                manifest.trustStore().password(), Demo.TRUSTSTORE_PASSWORD_ENV), environment);
        this.client = Demo.clients(environment, passwords, Demo.SERVICE_1).client(Demo.SERVICE_1);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return Demo.respond(() -> Demo.body(client.get(backend)));
    }
}
