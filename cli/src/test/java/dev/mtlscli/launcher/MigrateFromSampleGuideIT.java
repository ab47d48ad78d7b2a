package dev.mtlscli.launcher;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.runtime.secrets.SsmPasswords;
import dev.mtlscli.runtime.tls.TlsPolicy;
import dev.mtlscli.testing.Checkout;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.SampleMaterial;
import dev.mtlscli.testing.Tls;
import dev.mtlscli.testing.Tool;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Follows docs/migrate-from-sample.md as a user of the AWS sample would: every ```sh block, in
 * order, through the packaged `mtls-cli`, from scripts/certs/ of a copy of the sample's layout
 * made the way its script makes it, against the fake AWS holding what the sample deployed. The
 * blocks before the guide's "after the deploy" marker run in one bash session (the password is
 * typed on its standard input); then the test does what the guide's `cdk deploy` does (the
 * functions onto the new layers, without JAVA_TOOL_OPTIONS), and the remaining blocks run in a
 * second session. Finally nginx, configured from the sample's backend directory as the guide
 * left it, answers 200 to the newest layer through the runtime and refuses the sample's own
 * keystore.
 */
class MigrateFromSampleGuideIT {
    private static final Pattern SH_BLOCK = Pattern.compile("(?m)^```sh\\n(.*?)^```$", Pattern.DOTALL);
    private static final String AFTER_THE_DEPLOY = "<!-- after the deploy -->";
    private static final Pattern CHECK_LINE = Pattern.compile("(?m)^(service-[12])\\s+ok\\s+(TLSv1\\.[23]) ");
    private static final List<String> SAMPLE_LAYERS = List.of("LambdaLayerForService1Cert", "LambdaLayerForService2Cert",
            "LambdaLayerForSSLUtility");
    private static final List<String> SAMPLE_PARAMETERS = List.of("/DEV/APP/CLIENT/KEYSTORE/PASSWORD",
            "/DEV/APP/CLIENT/TRUSTSTORE/PASSWORD");

    @TempDir
    Path temp;

    @Test
    void theGuidesBlocksMoveTheSamplesDeploymentOntoMtlsCliAndRetireEveryOldKey() throws Exception {
        Tool.require("nginx");
        String guide = Files.readString(Checkout.ROOT.resolve("docs/migrate-from-sample.md"));
        int marker = guide.indexOf(AFTER_THE_DEPLOY);
        assertTrue(marker > 0, "the guide marks where the deploy happens");
        List<String> beforeDeploy = shBlocks(guide.substring(0, marker));
        List<String> afterDeploy = shBlocks(guide.substring(marker));
        assertTrue(beforeDeploy.size() >= 8 && afterDeploy.size() >= 3, "the guide's runnable blocks: " + beforeDeploy + afterDeploy);
        assertEquals(shBlocks(guide).size(), beforeDeploy.size() + afterDeploy.size());

        Path clone = temp.resolve("serverless-mutual-tls");
        SampleMaterial sample = SampleMaterial.create(clone.resolve("scripts/certs"), "localhost");
        Path[] backendCerts = new Path[3];
        for (int n = 1; n <= 2; n++) {
            // what 1-create-certificates.sh copies into each backend module
            backendCerts[n] = Files.createDirectories(clone.resolve("software/backend-service-" + n + "/conf.d/certs"));
            for (String file : List.of("backend_service_" + n + ".crt", "backend_service_" + n + ".key", "rootCA-service-" + n + ".crt")) {
                Files.copy(sample.file(file), backendCerts[n].resolve(file));
            }
        }
        X509Certificate[] sampleCas = {null, Pem.certificate(sample.file("rootCA-service-1.crt")), Pem.certificate(sample.file("rootCA-service-2.crt"))};
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path wrapper = Files.writeString(bin.resolve("mtls-cli"), "#!/bin/sh\nexec " + Checkout.ROOT.resolve("mtls-cli") + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (FakeAws aws = FakeAws.start(); LambdaClient lambda = FakeAwsCli.lambda(aws); SsmClient ssm = FakeAwsCli.ssm(aws)) {
            deployTheSample(aws, sample);
            Map<String, String> environment = new HashMap<>(Map.of(
                    "PATH", bin + ":" + System.getenv("PATH") + ":/usr/sbin",
                    "HOME", Files.createDirectories(temp.resolve("home")).toString(),
                    "AWS_REGION", aws.region(),
                    "AWS_DEFAULT_REGION", aws.region(),
                    "AWS_ENDPOINT_URL", aws.endpoint().toString(),
                    "AWS_ACCESS_KEY_ID", FakeAws.ACCESS_KEY_ID,
                    "AWS_SECRET_ACCESS_KEY", FakeAws.SECRET_ACCESS_KEY,
                    "AWS_EC2_METADATA_DISABLED", "true"));

            // sections 1 to 5, up to the deploy; the password is typed, as `read -rs` asks
            Tool.Result first = session(beforeDeploy, sample.dir(), environment, SampleMaterial.PASSWORD + "\n");
            assertFalse(Files.exists(sample.file("rootCA-service-1.key")), "the guide removes the clear CA keys");
            assertTrue(Files.isRegularFile(sample.file("mtls-certs/ca/service-1/ca.key")));
            assertTrue(Files.isRegularFile(sample.file("layer/mtls/service-1/keystore.p12")), "layer build made the /opt tree");
            assertTrue(first.out().contains("SHA-256") || first.out().contains("sha256"), "the dry run lists digests:\n" + first.out());
            assertCheckedWithNginxsDefaultProtocols(first.out());
            for (int n = 1; n <= 2; n++) {
                List<X509Certificate> bundle = Pem.certificates(backendCerts[n].resolve("rootCA-service-" + n + ".crt"));
                assertEquals(2, bundle.size(), "before the move the backend trusts both CAs");
                assertTrue(bundle.contains(sampleCas[n]));
                assertEquals(Files.readString(sample.file("backend_service_" + n + ".crt")),
                        Files.readString(backendCerts[n].resolve("backend_service_" + n + ".crt")),
                        "the backend keeps its server certificate until the functions trust the new CA");
                assertEquals(1, aws.lambda().layerVersions("mtls-service-" + n).size());
            }

            // what the guide's cdk deploy does: the functions onto the new layers, without JAVA_TOOL_OPTIONS
            String layer1 = aws.lambda().layerVersions("mtls-service-1").get(0).layerVersionArn();
            String layer2 = aws.lambda().layerVersions("mtls-service-2").get(0).layerVersionArn();
            moveFunction(lambda, "lambda-only", List.of(layer1));
            moveFunction(lambda, "lambda-layer", List.of(layer1));
            moveFunction(lambda, "lambda-parameter-store", List.of(layer1));
            moveFunction(lambda, "lambda-multiple-certificates", List.of(layer1, layer2));

            Assumptions.assumeTrue(awsCliHonoursEndpointUrl(environment),
                    "section 6 calls the AWS CLI, which is not installed here (or too old for AWS_ENDPOINT_URL)");
            session(afterDeploy, sample.dir(), environment, "");

            for (String layer : SAMPLE_LAYERS) {
                assertEquals(List.of(), aws.lambda().layerVersions(layer), layer + " is deleted");
            }
            for (String parameter : SAMPLE_PARAMETERS) {
                assertFalse(aws.ssm().exists(parameter), parameter + " is deleted");
            }
            for (int n = 1; n <= 2; n++) {
                List<X509Certificate> bundle = Pem.certificates(backendCerts[n].resolve("rootCA-service-" + n + ".crt"));
                assertEquals(1, bundle.size(), "after the rollover the backend trusts the new CA only");
                assertNotEquals(sampleCas[n], bundle.get(0));
                assertEquals("rw-------", PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(backendCerts[n].resolve("backend_service_" + n + ".key"))));
            }
            String newest1 = newest(aws, "mtls-service-1");
            String newest2 = newest(aws, "mtls-service-2");
            assertEquals(List.of(newest1), aws.lambda().function("lambda-layer").orElseThrow().layerArns(),
                    "the rollover moved the functions to the version that trusts the new CA only");
            assertEquals(List.of(newest1, newest2), aws.lambda().function("lambda-multiple-certificates").orElseThrow().layerArns());
            assertEquals(1, aws.lambda().layerVersions("mtls-service-1").size(), "the prune deleted the versions no function uses");

            Path opt = temp.resolve("opt");
            for (int n = 1; n <= 2; n++) {
                long version = aws.lambda().layerVersions("mtls-service-" + n).get(0).version();
                LayerZips.unzip(FakeAwsCli.layerContent(aws, "mtls-service-" + n, version)).forEach((name, bytes) -> write(opt.resolve(name), bytes));
            }
            // the backends as the sample's default.conf configures them, from the files the guide left
            try (NginxBackends nginx = NginxBackends.start(temp.resolve("nginx"), List.of(
                    sampleBackend(backendCerts[1], 1, "TLSv1.2"), sampleBackend(backendCerts[2], 2, NginxBackends.TLS_1_2_AND_1_3)))) {
                MtlsClients clients = MtlsClients.builder().layerRoot(opt).tlsPolicy(TlsPolicy.DEFAULT)
                        .passwords(new SsmPasswords(ssm)).services("service-1", "service-2").build();
                for (int n = 1; n <= 2; n++) {
                    HttpResponse<String> response = clients.client("service-" + n).get(nginx.uri("service-" + n));
                    assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
                    assertEquals("{\"hello\": \"from backend service " + n + "\"}", response.body());
                    assertEquals(n == 1 ? "TLSv1.2" : "TLSv1.3", response.sslSession().orElseThrow().getProtocol());

                    // the sample's keystore, with its password, as the old functions used it
                    HttpResponse<String> old = sampleClient(sample, n).send(HttpRequest.newBuilder(nginx.uri("service-" + n)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(400, old.statusCode(), "nginx refuses the sample's client certificate: " + old.body());
                    assertTrue(old.body().contains("The SSL certificate error"), old.body());
                }
            }
        }
    }

    /** What the sample's stack and 3-provision-infrastructure.sh leave in the account. */
    private static void deployTheSample(FakeAws aws, SampleMaterial sample) throws IOException {
        byte[] truststore = Files.readAllBytes(sample.file("client_truststore.jks"));
        List<String> arns = new ArrayList<>();
        for (int n = 1; n <= 2; n++) {
            arns.add(aws.lambda().publishLayerVersion(SAMPLE_LAYERS.get(n - 1), LayerZips.zip(Map.of(
                    "client_keystore_" + n + ".jks", Files.readAllBytes(sample.file("client_keystore_" + n + ".jks")),
                    "client_truststore.jks", truststore))).layerVersionArn());
        }
        arns.add(aws.lambda().publishLayerVersion(SAMPLE_LAYERS.get(2),
                LayerZips.zipOf("java/lib/ssl-utility-layer.jar", "a jar")).layerVersionArn());
        for (String parameter : SAMPLE_PARAMETERS) {
            aws.ssm().put(parameter, SampleMaterial.PASSWORD, true);
        }
        aws.lambda().createFunction("lambda-no-mtls", "java11", List.of(), Map.of());
        aws.lambda().createFunction("lambda-only", "java11", List.of(), Map.of());
        aws.lambda().createFunction("lambda-layer", "java11", List.of(arns.get(0)), Map.of());
        aws.lambda().createFunction("lambda-parameter-store", "java11", List.of(arns.get(0)), Map.of());
        aws.lambda().createFunction("lambda-multiple-certificates", "java11", arns, Map.of());
    }

    private static void moveFunction(LambdaClient lambda, String name, List<String> layers) {
        lambda.updateFunctionConfiguration(request -> request.functionName(name).layers(layers)
                .environment(environment -> environment.variables(Map.of("BACKEND_SERVICE_1_HOST_NAME", "localhost"))));
    }

    private static String newest(FakeAws aws, String layer) {
        return aws.lambda().layerVersions(layer).stream().reduce((a, b) -> b.version() > a.version() ? b : a)
                .orElseThrow().layerVersionArn();
    }

    /** The blocks in one bash session, as a user pastes them into one terminal. */
    private static Tool.Result session(List<String> blocks, Path directory, Map<String, String> environment, String stdin) {
        Tool.Result result = Tool.of("bash", "-euo", "pipefail", "-c", String.join("\n", blocks))
                .directory(directory).onlyEnv(environment).stdin(stdin).run();
        assertEquals(0, result.exitCode(), () -> "the guide's blocks\n" + String.join("\n", blocks) + "\nfailed:\n" + result.describe());
        return result;
    }

    /**
     * The sample's backends run nginx with its default protocols: TLS 1.3 since nginx 1.23.4 (the
     * sample's nginx:mainline today), TLS 1.2 at most before. The guide says so; this checks it
     * against the nginx installed here, through `mtls-cli check --sample-backend`'s output.
     */
    private static void assertCheckedWithNginxsDefaultProtocols(String out) {
        String expected = nginxAtLeast(1, 23, 4) ? "TLSv1.3" : "TLSv1.2";
        Matcher matcher = CHECK_LINE.matcher(out);
        int lines = 0;
        while (matcher.find()) {
            assertEquals(expected, matcher.group(2), "nginx's default protocols for " + matcher.group(1) + ":\n" + out);
            lines++;
        }
        assertEquals(4, lines, "both checks, both services, ok:\n" + out);
    }

    private static boolean nginxAtLeast(int major, int minor, int patch) {
        Tool.Result result = Tool.of(Tool.require("nginx").toString(), "-v").run();
        Matcher version = Pattern.compile("nginx/(\\d+)\\.(\\d+)\\.(\\d+)").matcher(result.all());
        assertTrue(version.find(), result.describe());
        int[] have = {Integer.parseInt(version.group(1)), Integer.parseInt(version.group(2)), Integer.parseInt(version.group(3))};
        int[] want = {major, minor, patch};
        for (int i = 0; i < 3; i++) {
            if (have[i] != want[i]) {
                return have[i] > want[i];
            }
        }
        return true;
    }

    private static boolean awsCliHonoursEndpointUrl(Map<String, String> environment) {
        Tool.Result result;
        try {
            result = Tool.of("aws", "--version").onlyEnv(environment).run();
        } catch (UncheckedIOException notInstalled) {
            return false;
        }
        // AWS_ENDPOINT_URL is read by the AWS CLI since 1.29.0 and 2.13.0
        Matcher version = Pattern.compile("aws-cli/(\\d+)\\.(\\d+)\\.").matcher(result.all());
        if (result.exitCode() != 0 || !version.find()) {
            return false;
        }
        int major = Integer.parseInt(version.group(1));
        int minor = Integer.parseInt(version.group(2));
        return major == 1 ? minor >= 29 : major > 2 || minor >= 13;
    }

    private static HttpClient sampleClient(SampleMaterial sample, int n) throws Exception {
        char[] password = SampleMaterial.PASSWORD.toCharArray();
        // trust whatever the backend presents now: the question is whether nginx takes the old client
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.certificates(sample.file("mtls-certs/ca/service-" + n + "/ca.crt")).get(0));
        // JSSE would send no certificate at all, since nginx asks for one issued by the new CA; an
        // attacker holding the old key presents it anyway, and that is what nginx must refuse
        return Tls.client(Tls.contextAlwaysPresenting(load(sample.file("client_keystore_" + n + ".jks"), password), password,
                "lambda", trust));
    }

    private static KeyStore load(Path file, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("JKS");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }

    static List<String> shBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher matcher = SH_BLOCK.matcher(markdown);
        while (matcher.find()) {
            blocks.add(matcher.group(1));
        }
        return blocks;
    }

    private static NginxBackends.Backend sampleBackend(Path certs, int n, String sslProtocols) {
        return new NginxBackends.Backend("service-" + n, certs.resolve("backend_service_" + n + ".crt"),
                certs.resolve("backend_service_" + n + ".key"), certs.resolve("rootCA-service-" + n + ".crt"),
                "{\"hello\": \"from backend service " + n + "\"}", sslProtocols, true);
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
