package dev.mtlscli.demofunction;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.runtime.it.LayerWorkspace;
import dev.mtlscli.runtime.it.MapPasswords;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The handlers built on MtlsClients, with the runtime's default TLS policy, against nginx
 * configured as the AWS sample ships its backend (ssl_verify_client on, ssl_verify_depth 1, the
 * JSON file from the html root, no ssl_protocols), and the same configuration on a backend that
 * offers TLS 1.2 only, as nginx's defaults did before TLS 1.3: every call answers 200.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SampleBackendCompatibilityTest {
    private static final String AS_SHIPPED = "as shipped";
    private static final String TLS12_ONLY = "TLS 1.2 only";
    private static final String HELLO_1 = "{\"hello\": \"from backend service 1\"}";
    private static final String HELLO_2 = "{\"hello\": \"from backend service 2\"}";

    @TempDir
    static Path temp;

    private static LayerWorkspace layer;
    private static NginxBackends nginx;
    private static FakeAws aws;

    @BeforeAll
    static void start() {
        Tool.require("nginx");
        layer = LayerWorkspace.create(temp.resolve("main"), Workspace.writeLocalhostSpec(temp.resolve("mtls.json")));
        nginx = NginxBackends.start(temp.resolve("nginx"), List.of(
                NginxBackends.sampleBackend("service-1 " + AS_SHIPPED, layer.workspace(), "service-1", null),
                NginxBackends.sampleBackend("service-2 " + AS_SHIPPED, layer.workspace(), "service-2", null),
                NginxBackends.sampleBackend("service-1 " + TLS12_ONLY, layer.workspace(), "service-1", "TLSv1.2"),
                NginxBackends.sampleBackend("service-2 " + TLS12_ONLY, layer.workspace(), "service-2", "TLSv1.2")));
        aws = FakeAws.start();
        layer.putPasswords(aws);
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (aws != null) {
            aws.close();
        }
    }

    private static Map<String, String> environment(String variant) {
        Map<String, String> environment = new HashMap<>();
        environment.put("BACKEND_SERVICE_1_HOST_NAME", "localhost:" + nginx.port("service-1 " + variant));
        environment.put("BACKEND_SERVICE_2_HOST_NAME", "localhost:" + nginx.port("service-2 " + variant));
        environment.put("MTLS_LAYER_ROOT", layer.layer().toString());
        return environment;
    }

    private static APIGatewayProxyRequestEvent request() {
        return new APIGatewayProxyRequestEvent().withHttpMethod("GET").withPath("/");
    }

    private static void assertOk(String expected, APIGatewayProxyResponseEvent response) {
        assertEquals(200, response.getStatusCode(), () -> response.getBody() + "\n" + nginx.errorLog());
        assertEquals(expected, response.getBody());
    }

    @ParameterizedTest
    @ValueSource(strings = {AS_SHIPPED, TLS12_ONLY})
    void everyHandlerBuiltOnMtlsClientsGets200(String variant) {
        Map<String, String> withPasswords = environment(variant);
        MapPasswords passwords = layer.passwords();
        withPasswords.put("KEYSTORE_PASSWORD", passwords.get(LayerWorkspace.keyStoreParameter("service-1")));
        withPasswords.put("TRUSTSTORE_PASSWORD", passwords.get(LayerWorkspace.trustStoreParameter("service-1")));
        assertOk(HELLO_1, new LambdaLayerHandler(withPasswords).handleRequest(request(), null));

        try (SsmClient ssm = FakeAwsCli.ssm(aws)) {
            assertOk(HELLO_1, new ParameterStoreHandler(environment(variant), ssm).handleRequest(request(), null));
            assertOk("[" + HELLO_1 + "," + HELLO_2 + "]",
                    new MultipleCertificatesHandler(environment(variant), ssm).handleRequest(request(), null));
        }
    }
}
