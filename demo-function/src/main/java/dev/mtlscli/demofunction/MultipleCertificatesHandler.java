package dev.mtlscli.demofunction;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mtlscli.runtime.MtlsClient;
import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.runtime.secrets.SsmPasswords;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * multiple-certificates: two identities in one function. Service 1 and service 2 each have their
 * own directory in the layer, all four passwords come from SSM in one call, and the two backends
 * are called at the same time; the answer is the JSON array of both bodies.
 */
public final class MultipleCertificatesHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    // two threads, one per backend: MtlsClient.get blocks, and going through it (rather than
    // HttpClient.sendAsync) keeps its explained handshake failures. Daemon threads, so that a
    // local JVM is not held open by them.
    private final ExecutorService calls = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "mtls-demo-backend-call");
        thread.setDaemon(true);
        return thread;
    });
    private final URI backend1;
    private final URI backend2;
    private final MtlsClient service1;
    private final MtlsClient service2;

    /** In Lambda: the default SsmClient over the url-connection HTTP client. */
    public MultipleCertificatesHandler() {
        this(System.getenv(), MtlsClients.forServices(Demo.SERVICE_1, Demo.SERVICE_2));
    }

    public MultipleCertificatesHandler(Map<String, String> environment, SsmClient ssm) {
        this(environment, Demo.clients(environment, new SsmPasswords(ssm), Demo.SERVICE_1, Demo.SERVICE_2));
    }

    private MultipleCertificatesHandler(Map<String, String> environment, MtlsClients clients) {
        this.backend1 = Demo.backend(environment, Demo.BACKEND_1_ENV);
        this.backend2 = Demo.backend(environment, Demo.BACKEND_2_ENV);
        this.service1 = clients.client(Demo.SERVICE_1);
        this.service2 = clients.client(Demo.SERVICE_2);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return Demo.respond(() -> {
            CompletableFuture<String> one = call(service1, backend1);
            CompletableFuture<String> two = call(service2, backend2);
            return "[" + one.join() + "," + two.join() + "]";
        });
    }

    private CompletableFuture<String> call(MtlsClient client, URI backend) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Demo.body(client.get(backend));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        }, calls);
    }
}
