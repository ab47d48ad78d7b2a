package dev.mtlscli.demofunction;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.runtime.it.LayerWorkspace;
import dev.mtlscli.runtime.it.MapPasswords;
import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The five demo handlers against a real nginx on 127.0.0.1 (ssl_verify_client on), with the
 * layer `certs create --layer-dir` writes and, for the SSM approaches, the real SDK client
 * talking to the fake SSM. Each handler is built with an explicit environment, as Lambda's
 * init would build it from System.getenv().
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoHandlersNginxTest {
    private static final String HELLO_1 = "{\"hello\": \"from backend service 1\"}";
    private static final String HELLO_2 = "{\"hello\": \"from backend service 2\"}";

    @TempDir
    static Path temp;

    private static LayerWorkspace layer;
    private static NginxBackends nginx;

    private FakeAws aws;
    private SsmClient ssm;

    @BeforeAll
    static void start() {
        Tool.require("nginx");
        // the localhost spec adds dnsNames ["localhost"], so BACKEND_*_HOST_NAME=localhost:PORT verifies
        Path spec = Workspace.writeLocalhostSpec(temp.resolve("mtls.json"));
        layer = LayerWorkspace.create(temp.resolve("main"), spec);
        nginx = NginxBackends.start(temp.resolve("nginx"), List.of(
                NginxBackends.demoBackend("service-1", layer.workspace(), "service-1"),
                NginxBackends.demoBackend("service-2", layer.workspace(), "service-2")));
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
    }

    @BeforeEach
    void startSsm() {
        aws = FakeAws.start();
        layer.putPasswords(aws);
        ssm = SsmClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(FakeAws.DEFAULT_REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY)))
                .endpointOverride(aws.endpoint())
                .build();
    }

    @AfterEach
    void stopSsm() {
        ssm.close();
        aws.close();
    }

    @Test
    void noMtlsIsRefusedBecauseTheBackendIsNotTrusted() {
        assertNull(System.getProperty("javax.net.ssl.trustStore"), "a JSSE property leaked from another test");

        APIGatewayProxyResponseEvent response = new NoMtlsHandler(environment()).handleRequest(request(), null);

        assertEquals(500, response.getStatusCode(), response.getBody());
        assertTrue(response.getBody().contains("PKIX path building failed"), response.getBody());
    }

    @Test
    void lambdaOnlyUsesTheStoresPackagedWithTheFunction() {
        Map<String, String> environment = environmentPasswords();
        environment.put("MTLS_ARTIFACT_DIR", layer.serviceDirectory("service-1").toString());

        assertHello1(LambdaOnlyHandler.withJssePropertiesRestored(() -> new LambdaOnlyHandler(environment).handleRequest(request(), null)));
    }

    @Test
    void lambdaOnlyDefaultsToTheFunctionRoot() {
        Map<String, String> environment = environmentPasswords();
        environment.put("LAMBDA_TASK_ROOT", layer.serviceDirectory("service-1").toString());

        assertHello1(LambdaOnlyHandler.withJssePropertiesRestored(() -> {
            APIGatewayProxyResponseEvent response = new LambdaOnlyHandler(environment).handleRequest(request(), null);
            assertEquals(layer.serviceDirectory("service-1").resolve("keystore.p12").toString(),
                    System.getProperty("javax.net.ssl.keyStore"));
            return response;
        }));
    }

    @Test
    void lambdaLayerReadsTheLayerWithPasswordsFromTheEnvironment() {
        assertHello1(new LambdaLayerHandler(environmentPasswords()).handleRequest(request(), null));
        assertEquals(0, aws.requests().size(), "no SSM call");
    }

    @Test
    void parameterStoreReadsThePasswordsFromSsmInOneCall() {
        ParameterStoreHandler handler = new ParameterStoreHandler(environment(), ssm);

        assertHello1(handler.handleRequest(request(), null));
        assertHello1(handler.handleRequest(request(), null));
        assertOneGetParameters("service-1");
    }

    @Test
    void multipleCertificatesCallsBothBackendsWithTheirOwnIdentity() {
        MultipleCertificatesHandler handler = new MultipleCertificatesHandler(environment(), ssm);

        APIGatewayProxyResponseEvent response = handler.handleRequest(request(), null);

        assertEquals(200, response.getStatusCode(), () -> response.getBody() + "\n" + nginx.errorLog());
        assertEquals("[" + HELLO_1 + "," + HELLO_2 + "]", response.getBody());
        assertEquals("[{\"hello\": \"from backend service 1\"},{\"hello\": \"from backend service 2\"}]", response.getBody());
        assertOneGetParameters("service-1", "service-2");
    }

    @Test
    void aBackendOfAnotherServiceIsRefusedByTheClientAndIsA500() {
        // service 2's client pointed at service 1's backend: service 2's truststore holds service
        // 2's CA only, so the client refuses the server before sending any identity
        Map<String, String> environment = environment();
        environment.put("BACKEND_SERVICE_2_HOST_NAME", "localhost:" + nginx.port("service-1"));

        APIGatewayProxyResponseEvent response = new MultipleCertificatesHandler(environment, ssm).handleRequest(request(), null);

        assertEquals(500, response.getStatusCode(), response.getBody());
        assertTrue(response.getBody().contains("not trusted by truststore") && response.getBody().contains("service-2/truststore.p12"),
                response.getBody());
    }

    private static Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("BACKEND_SERVICE_1_HOST_NAME", "localhost:" + nginx.port("service-1"));
        environment.put("BACKEND_SERVICE_2_HOST_NAME", "localhost:" + nginx.port("service-2"));
        environment.put("MTLS_LAYER_ROOT", layer.layer().toString());
        return environment;
    }

    /** The environment with service 1's store passwords, as the sample's first approaches keep them. */
    private static Map<String, String> environmentPasswords() {
        MapPasswords passwords = layer.passwords();
        Map<String, String> environment = environment();
        environment.put("KEYSTORE_PASSWORD", passwords.get(LayerWorkspace.keyStoreParameter("service-1")));
        environment.put("TRUSTSTORE_PASSWORD", passwords.get(LayerWorkspace.trustStoreParameter("service-1")));
        return environment;
    }

    private static APIGatewayProxyRequestEvent request() {
        return new APIGatewayProxyRequestEvent().withHttpMethod("GET").withPath("/");
    }

    private static void assertHello1(APIGatewayProxyResponseEvent response) {
        assertEquals(200, response.getStatusCode(), () -> response.getBody() + "\n" + nginx.errorLog());
        assertEquals(HELLO_1, response.getBody());
    }

    private void assertOneGetParameters(String... services) {
        List<RecordedRequest> calls = aws.requests("GetParameters");
        assertEquals(1, calls.size(), "one GetParameters call during init, none per request");
        assertEquals(calls.size(), aws.requests().size(), "and no other SSM call");
        assertEquals(Boolean.TRUE, calls.get(0).json().get("WithDecryption"));
        Set<String> expected = new HashSet<>();
        for (String service : services) {
            expected.add(LayerWorkspace.keyStoreParameter(service).selector());
            expected.add(LayerWorkspace.trustStoreParameter(service).selector());
        }
        List<?> names = (List<?>) calls.get(0).json().get("Names");
        assertEquals(expected.size(), names.size(), names::toString);
        assertEquals(expected, Set.copyOf(names), "the version-pinned names of the manifests");
    }
}
