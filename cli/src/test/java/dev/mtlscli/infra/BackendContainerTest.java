package dev.mtlscli.infra;

import dev.mtlscli.demo.LocalDemo;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.runtime.MtlsClient;
import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.demofunction.LambdaLayerHandler;
import dev.mtlscli.demofunction.MultipleCertificatesHandler;
import dev.mtlscli.demofunction.NoMtlsHandler;
import dev.mtlscli.demofunction.ParameterStoreHandler;
import dev.mtlscli.runtime.it.LayerWorkspace;
import dev.mtlscli.runtime.tls.TlsPolicy;
import dev.mtlscli.testing.Tls;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend container of the demo stack (infra/backend/), without Docker: its own
 * entrypoint.sh renders its own nginx.conf.template with the certificates of a workspace made by
 * `certs create` (localhost in the server certificates), nginx accepts the result (`nginx -t`),
 * and the nginx it execs on 127.0.0.1 answers the runtime library and the demo handlers the way
 * the local demo's backends do: the service's hello with a client certificate of the service's
 * CA, 400 without one or with another CA's, `ok` on the plain-HTTP health port.
 *
 * The Dockerfile is checked as text (no Docker daemon in the tests): a pinned nginx base, only
 * the template and the entrypoint copied in, the entrypoint as ENTRYPOINT with no CMD.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackendContainerTest {
    private static final List<String> SERVICES = Workspace.DEMO_SERVICES;

    @TempDir
    static Path temp;

    private static LayerWorkspace layer;
    private static final Map<String, BackendContainer> CONTAINERS = new LinkedHashMap<>();

    @BeforeAll
    static void start() {
        Tool.require("nginx");
        Tool.require("envsubst"); // Debian: gettext-base; the nginx alpine image has it
        Path spec = Workspace.writeLocalhostSpec(temp.resolve("mtls.json"));
        layer = LayerWorkspace.create(temp.resolve("main"), spec);
        for (String service : SERVICES) {
            CONTAINERS.put(service, BackendContainer.start(temp.resolve("container-" + service), layer.workspace(), service));
        }
    }

    @AfterAll
    static void stop() {
        CONTAINERS.values().forEach(BackendContainer::close);
    }

    private static BackendContainer container(String service) {
        return CONTAINERS.get(service);
    }

    private static URI uri(String service) {
        return URI.create("https://localhost:" + container(service).port() + "/");
    }

    private static Map<String, String> environment(String service, Path dir) {
        int[] ports = BackendContainer.freePorts(2);
        return BackendContainer.environment(layer.workspace(), service, dir, ports[0], ports[1]);
    }

    // --- (a), (b): the rendering, and nginx -t on its result

    @ParameterizedTest
    @ValueSource(strings = {"service-1", "service-2"})
    void renderOnlyWritesTheCertificatesAndAConfigurationNginxAccepts(String service) throws Exception {
        Path dir = temp.resolve("render-" + service);
        Map<String, String> env = environment(service, dir);

        Tool.Result result = BackendContainer.run(env, "--render-only");

        assertEquals(0, result.exitCode(), result::describe);
        Path conf = dir.resolve("conf/nginx.conf");
        assertEquals(conf.toString(), result.out().strip());
        String text = Files.readString(conf);
        assertTrue(text.contains("listen " + env.get("LISTEN_PORT") + " ssl;"), text);
        assertTrue(text.contains("server_name backend-" + service + ".com;"), text);
        assertTrue(text.contains("ssl_verify_client on;"), text);
        assertTrue(text.contains("ssl_verify_depth 2;"), text);
        assertTrue(text.contains("ssl_protocols TLSv1.2 TLSv1.3;"), text);
        assertTrue(text.contains("return 200 '" + BackendContainer.hello(service) + "';"), text);
        assertTrue(text.contains("listen " + env.get("HEALTH_PORT") + ";"), text);
        assertTrue(text.contains("ssl_client_certificate \"" + dir.resolve("certs/client-ca.crt") + "\";"), text);
        // envsubst replaced only the container's variables: nginx's own are still there
        assertTrue(text.contains("client=\"$ssl_client_s_dn\" verify=$ssl_client_verify"), text);
        assertTrue(text.contains("$remote_addr [$time_local] \"$request\""), text);
        assertFalse(text.contains("${"), text);
        assertFalse(text.contains("PRIVATE KEY"), text);

        Workspace ws = layer.workspace();
        assertEquals(BackendContainer.read(ws.file(Workspace.serverChain(service))).strip(),
                Files.readString(dir.resolve("certs/server-chain.crt")).strip());
        assertEquals(BackendContainer.read(ws.file(Workspace.serverKey(service))).strip(),
                Files.readString(dir.resolve("certs/server.key")).strip());
        assertEquals(BackendContainer.read(ws.file(Workspace.clientCa(service))).strip(),
                Files.readString(dir.resolve("certs/client-ca.crt")).strip());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("certs/server.key"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("certs"))));

        Tool.Result test = Tool.of(Tool.require("nginx").toString(), "-t", "-p", dir + "/", "-e", dir.resolve("error.log").toString(),
                "-c", conf.toString()).run();
        assertEquals(0, test.exitCode(), test::describe);
        assertTrue(test.all().contains("test is successful"), test::describe);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SERVER_CHAIN_PEM", "SERVER_KEY_PEM", "CLIENT_CA_PEM", "LISTEN_PORT", "SERVER_NAME", "HELLO_JSON"})
    void theEntrypointRefusesToStartWithoutARequiredVariable(String variable) {
        Path dir = temp.resolve("missing-" + variable);
        Map<String, String> env = environment("service-1", dir);
        env.remove(variable);

        Tool.Result result = BackendContainer.run(env);

        assertEquals(1, result.exitCode(), result::describe);
        assertTrue(result.err().contains("refusing to start: not set: " + variable), result::describe);
        assertFalse(Files.exists(dir.resolve("conf/nginx.conf")), "rendered without " + variable);
        assertFalse(Files.exists(dir.resolve("certs/server.key")), "wrote the key without " + variable);
        assertFalse(Files.exists(dir.resolve("nginx.pid")), "started nginx without " + variable);
    }

    @Test
    void everyMissingSecretIsNamedAtOnce() {
        Map<String, String> env = environment("service-1", temp.resolve("missing-all"));
        BackendContainer.SECRETS.forEach(env::remove);

        Tool.Result result = BackendContainer.run(env);

        assertEquals(1, result.exitCode(), result::describe);
        assertTrue(result.err().contains("not set: SERVER_CHAIN_PEM SERVER_KEY_PEM CLIENT_CA_PEM"), result::describe);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "HELLO_JSON={\"hello\": \"it's\"}",
            "HELLO_JSON={\"price\": \"$5\"}",
            "SERVER_NAME=backend-service-1.com; include /etc/passwd",
            "LISTEN_PORT=443 ssl; ssl_verify_client off",
            "HEALTH_PORT=",
            "CERT_DIR=/tmp/a\";b",
            "SERVER_KEY_PEM=-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----",
            "SERVER_CHAIN_PEM=-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----",
            "NGINX_WORKER_PROCESSES=1; daemon on"})
    void valuesThatWouldChangeTheConfigurationAreRefused(String assignment) {
        String name = assignment.substring(0, assignment.indexOf('='));
        Path dir = temp.resolve("unsafe-" + Integer.toHexString(assignment.hashCode()));
        Map<String, String> env = environment("service-1", dir);
        env.put(name, assignment.substring(name.length() + 1));
        if (name.equals("HEALTH_PORT")) {
            env.put(name, env.get("LISTEN_PORT")); // the same port twice
        }

        Tool.Result result = BackendContainer.run(env, "--render-only");

        assertEquals(1, result.exitCode(), result::describe);
        assertTrue(result.err().contains(name), result::describe);
        assertFalse(Files.exists(dir.resolve("conf/nginx.conf")), "rendered with " + assignment);
    }

    @Test
    void unexpectedArgumentsAreAUsageError() {
        Tool.Result result = BackendContainer.run(environment("service-1", temp.resolve("args")), "nginx", "-g", "daemon off;");

        assertEquals(2, result.exitCode(), result::describe);
        assertTrue(result.err().contains("usage:"), result::describe);
    }

    // --- (c): the started container

    @ParameterizedTest
    @ValueSource(strings = {"service-1", "service-2"})
    void theEntrypointBecomesNginx(String service) {
        BackendContainer container = container(service);

        // (nginx overwrites its initial environment with its process title, so /proc/PID/environ
        // cannot show whether the entrypoint unset the certificates before exec)
        assertEquals(container.pid(), BackendContainer.pid(container.dir().resolve("nginx.pid")).orElseThrow(),
                "the pid file names another process than the entrypoint's: it did not exec nginx");
        assertTrue(container.stderr().contains("backend-" + service + ".com on 127.0.0.1:" + container.port() + " (mTLS)"),
                container::stderr);
    }

    @ParameterizedTest
    @ValueSource(strings = {"service-1", "service-2"})
    void theRuntimeLibraryGetsTheHelloOverTls13(String service) throws Exception {
        MtlsClient client = MtlsClients.builder().layerRoot(layer.layer()).tlsPolicy(TlsPolicy.DEFAULT)
                .passwords(layer.passwords()).services(service).build().client(service);

        HttpResponse<String> response = client.get(uri(service));

        assertEquals(200, response.statusCode(), () -> response.body() + "\n" + container(service).errorLog());
        assertEquals(BackendContainer.hello(service), response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(""));
        assertEquals("TLSv1.3", response.sslSession().orElseThrow().getProtocol());
        X509Certificate served = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertEquals("CN=backend-" + service + ".com,O=mtls-cli test", served.getSubjectX500Principal().getName());
        String number = service.substring(service.length() - 1);
        assertAccessLogged(container(service), "client=\"CN=service-" + number + " Lambda client,O=mtls-cli test\" verify=SUCCESS");
    }

    /** nginx logs a request after it sent the answer: the line may come a moment after the client has it. */
    private static void assertAccessLogged(BackendContainer container, String expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (!container.accessLog().contains(expected) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(container.accessLog().contains(expected), () -> "no '" + expected + "' in\n" + container.accessLog());
    }

    @ParameterizedTest
    @ValueSource(strings = {"service-1", "service-2"})
    void tls12IsAcceptedToo(String service) throws Exception {
        MtlsClient client = MtlsClients.builder().layerRoot(layer.layer()).tlsPolicy(new TlsPolicy(List.of("TLSv1.2"), List.of()))
                .passwords(layer.passwords()).services(service).build().client(service);

        HttpResponse<String> response = client.get(uri(service));

        assertEquals(200, response.statusCode(), response::body);
        assertEquals("TLSv1.2", response.sslSession().orElseThrow().getProtocol());
    }

    @ParameterizedTest
    @ValueSource(strings = {"service-1", "service-2"})
    void aClientWithoutACertificateGets400(String service) throws Exception {
        SSLContext context = Tls.context(null, null, layer.workspace().loadTrustStore(service));

        HttpResponse<String> response = Tls.get(Tls.client(context), uri(service).toString());

        assertEquals(400, response.statusCode(), response::body);
        assertTrue(response.body().contains("No required SSL certificate was sent"), response::body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"service-1", "service-2"})
    void aClientOfTheOtherServicesCaGets400(String service) throws Exception {
        String other = service.equals("service-1") ? "service-2" : "service-1";
        Workspace ws = layer.workspace();
        KeyStore keyStore = ws.loadKeyStore(other);
        SSLContext context = Tls.contextAlwaysPresenting(keyStore, ws.password(ws.keyStore(other)).toCharArray(), other,
                ws.loadTrustStore(service));

        HttpResponse<String> response = Tls.get(Tls.client(context), uri(service).toString());

        assertEquals(400, response.statusCode(), response::body);
        assertNotEquals(BackendContainer.hello(service), response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"service-1", "service-2"})
    void theHealthPortAnswersPlainHttp(String service) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + container(service).healthPort();

        HttpResponse<String> health = http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> other = http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, health.statusCode(), health::body);
        assertEquals("ok\n", health.body());
        assertEquals(404, other.statusCode(), other::body);
    }

    /** What `mtls-cli demo` does, with the container backends in place of its own. */
    @Test
    void theDemoHandlersGetTheAnswersOfTheLocalDemo() {
        Workspace ws = layer.workspace();
        Map<String, String> environment = new HashMap<>();
        environment.put("BACKEND_SERVICE_1_HOST_NAME", "localhost:" + container("service-1").port());
        environment.put("BACKEND_SERVICE_2_HOST_NAME", "localhost:" + container("service-2").port());
        environment.put("MTLS_LAYER_ROOT", layer.layer().toString());
        Map<String, String> withPasswords = new HashMap<>(environment);
        withPasswords.put("KEYSTORE_PASSWORD", ws.password(ws.keyStore("service-1")));
        withPasswords.put("TRUSTSTORE_PASSWORD", ws.password(ws.trustStore("service-1")));

        try (FakeAws aws = FakeAws.start();
             SsmClient ssm = SsmClient.builder()
                     .httpClient(UrlConnectionHttpClient.create())
                     .region(Region.of(FakeAws.DEFAULT_REGION))
                     .credentialsProvider(StaticCredentialsProvider.create(
                             AwsBasicCredentials.create(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY)))
                     .endpointOverride(aws.endpoint())
                     .build()) {
            for (String service : SERVICES) {
                // version 1 of each name, the version the layer's manifests pin
                aws.ssm().put(LayerWorkspace.keyStoreParameter(service).name(), ws.password(ws.keyStore(service)), true);
                aws.ssm().put(LayerWorkspace.trustStoreParameter(service).name(), ws.password(ws.trustStore(service)), true);
            }

            APIGatewayProxyResponseEvent noMtls = call(new NoMtlsHandler(environment));
            APIGatewayProxyResponseEvent lambdaLayer = call(new LambdaLayerHandler(withPasswords));
            APIGatewayProxyResponseEvent parameterStore = call(new ParameterStoreHandler(environment, ssm));
            APIGatewayProxyResponseEvent multiple = call(new MultipleCertificatesHandler(environment, ssm));

            assertEquals(500, noMtls.getStatusCode(), noMtls.getBody());
            assertTrue(noMtls.getBody().contains("PKIX path building failed"), noMtls.getBody());
            assertEquals(200, lambdaLayer.getStatusCode(), lambdaLayer.getBody());
            assertEquals(LocalDemo.HELLO_1, lambdaLayer.getBody());
            assertEquals(200, parameterStore.getStatusCode(), parameterStore.getBody());
            assertEquals(LocalDemo.HELLO_1, parameterStore.getBody());
            assertEquals(200, multiple.getStatusCode(), multiple.getBody());
            assertEquals("[" + LocalDemo.HELLO_1 + "," + LocalDemo.HELLO_2 + "]", multiple.getBody());
        }
    }

    private static APIGatewayProxyResponseEvent call(
            com.amazonaws.services.lambda.runtime.RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler) {
        return handler.handleRequest(new APIGatewayProxyRequestEvent().withHttpMethod("GET").withPath("/"), null);
    }

    // --- the image, as text

    @Test
    void theDockerfileStartsFromAPinnedNginxAndCopiesNothingSecret() throws Exception {
        String dockerfile = Files.readString(BackendContainer.BACKEND.resolve("Dockerfile"));
        List<String> instructions = dockerfile.lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();

        List<String> from = instructions.stream().filter(line -> line.startsWith("FROM ")).toList();
        assertEquals(1, from.size(), dockerfile);
        assertTrue(from.get(0).matches("FROM nginx:\\d+\\.\\d+(\\.\\d+)?-alpine(@sha256:[0-9a-f]{64})?"),
                "not a pinned nginx alpine image: " + from.get(0));

        Pattern copy = Pattern.compile("(?:COPY|ADD) (\\S+) (\\S+)");
        Map<String, String> copied = new LinkedHashMap<>();
        for (String line : instructions.stream().filter(l -> l.startsWith("COPY ") || l.startsWith("ADD ")).toList()) {
            Matcher matcher = copy.matcher(line);
            assertTrue(matcher.matches(), "one source per COPY: " + line);
            copied.put(matcher.group(1), matcher.group(2));
        }
        assertEquals(List.of("nginx.conf.template", "entrypoint.sh"), List.copyOf(copied.keySet()));
        String entrypoint = copied.get("entrypoint.sh");
        assertTrue(instructions.contains("ENTRYPOINT [\"" + entrypoint + "\"]"), dockerfile);
        // the base image's CMD would become the entrypoint's arguments
        assertTrue(instructions.contains("CMD []"), dockerfile);
        // the template where the entrypoint looks for it
        assertTrue(dockerfile.contains("MTLS_TEMPLATE=" + copied.get("nginx.conf.template")), dockerfile);
        assertFalse(dockerfile.matches("(?s).*\\b(SERVER_KEY_PEM|SERVER_CHAIN_PEM|CLIENT_CA_PEM)=.*"), "a certificate in the image");

        List<String> ignored = Files.readAllLines(BackendContainer.BACKEND.resolve(".dockerignore")).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertEquals(List.of("*", "!Dockerfile", "!nginx.conf.template", "!entrypoint.sh"), ignored,
                "the build context must be the three files, never a workspace");
        assertTrue(Files.readString(BackendContainer.ENTRYPOINT).startsWith("#!/bin/sh\n"));
        assertTrue(Files.isExecutable(BackendContainer.ENTRYPOINT), "entrypoint.sh is not executable");
    }
}
