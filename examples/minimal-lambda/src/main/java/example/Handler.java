package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.mtlscli.runtime.MtlsClient;
import dev.mtlscli.runtime.MtlsClients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * Calls service-1's backend with mTLS and answers its status and body. The function needs the
 * service-1 layer that `mtls-cli layer publish` made, and read access to its pinned SSM
 * passwords (ssm:GetParameters, kms:Decrypt) or AWS's Parameters and Secrets extension layer.
 */
public class Handler implements RequestHandler<Map<String, String>, String> {
    // Built once per execution environment, in Lambda's init phase: the manifest from
    // /opt/mtls/service-1/, both store passwords in one call, the SSLContext. Per invocation
    // this would repeat all of that and lose the open connection to the backend.
    private static final MtlsClient SERVICE_1 = MtlsClients.forService("service-1");
    // BACKEND_URL, else the host the layer's manifest names
    private static final URI BACKEND = URI.create(System.getenv().getOrDefault("BACKEND_URL",
            "https://" + SERVICE_1.manifest().host() + "/"));

    @Override
    public String handleRequest(Map<String, String> event, Context context) {
        try {
            HttpResponse<String> response = SERVICE_1.get(BACKEND);
            return response.statusCode() + " " + response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + BACKEND + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + BACKEND, e);
        }
    }
}
