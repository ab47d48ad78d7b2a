package dev.mtlscli.demofunction;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mtlscli.runtime.MtlsClient;
import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.runtime.secrets.SsmPasswords;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.net.URI;
import java.util.Map;

/**
 * parameter-store: the runtime's intended use. Service 1's stores come from the layer and their
 * passwords from SSM Parameter Store, each pinned to the version in the layer's manifest, in
 * one GetParameters call during init.
 */
public final class ParameterStoreHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final URI backend;
    private final MtlsClient client;

    /** In Lambda: the default SsmClient over the url-connection HTTP client. */
    public ParameterStoreHandler() {
        this(System.getenv(), MtlsClients.forServices(Demo.SERVICE_1));
    }

    public ParameterStoreHandler(Map<String, String> environment, SsmClient ssm) {
        this(environment, Demo.clients(environment, new SsmPasswords(ssm), Demo.SERVICE_1));
    }

    private ParameterStoreHandler(Map<String, String> environment, MtlsClients clients) {
        this.backend = Demo.backend(environment, Demo.BACKEND_1_ENV);
        this.client = clients.client(Demo.SERVICE_1);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return Demo.respond(() -> Demo.body(client.get(backend)));
    }
}
