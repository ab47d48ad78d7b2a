package dev.mtlscli.launcher;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.runtime.secrets.SsmPasswords;
import dev.mtlscli.runtime.tls.TlsPolicy;
import dev.mtlscli.testing.Checkout;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.SampleMaterial;
import dev.mtlscli.testing.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Follows docs/migrate-from-sample.md: its ```sh blocks are run in order with bash, through
 * the packaged `mtls-cli`, in a directory holding material made the way the AWS sample's script
 * makes it, against the fake AWS; then the layers it published are unpacked as Lambda would and
 * MtlsClients calls nginx configured as the sample's backend (TLS 1.2 only, and TLS 1.2 + 1.3).
 */
class MigrateFromSampleGuideIT {
    private static final Pattern SH_BLOCK = Pattern.compile("(?m)^```sh\\n(.*?)^```$", Pattern.DOTALL);

    @TempDir
    Path temp;

    @Test
    void theGuidesCommandsMoveTheSamplesMaterialOntoMtlsCliAndTheRuntimeGets200() throws Exception {
        Tool.require("nginx");
        List<String> blocks = shBlocks(Files.readString(Checkout.ROOT.resolve("docs/migrate-from-sample.md")));
        assertTrue(blocks.size() >= 4, "the guide's runnable blocks: " + blocks);
        SampleMaterial sample = SampleMaterial.create(temp.resolve("sample"), "localhost");
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path wrapper = Files.writeString(bin.resolve("mtls-cli"), "#!/bin/sh\nexec " + Checkout.ROOT.resolve("mtls-cli") + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (FakeAws aws = FakeAws.start()) {
            Map<String, String> environment = Map.of(
                    "PATH", bin + ":" + System.getenv("PATH"),
                    "HOME", Files.createDirectories(temp.resolve("home")).toString(),
                    "AWS_REGION", aws.region(),
                    "AWS_ENDPOINT_URL", aws.endpoint().toString(),
                    "AWS_ACCESS_KEY_ID", FakeAws.ACCESS_KEY_ID,
                    "AWS_SECRET_ACCESS_KEY", FakeAws.SECRET_ACCESS_KEY,
                    "AWS_EC2_METADATA_DISABLED", "true",
                    "SAMPLE_STORE_PASSWORD", SampleMaterial.PASSWORD);
            for (String block : blocks) {
                Tool.Result result = Tool.of("bash", "-euo", "pipefail", "-c", block).directory(sample.dir()).onlyEnv(environment).run();
                assertEquals(0, result.exitCode(), "the guide's block\n" + block + "\nfailed:\n" + result.describe());
            }

            assertFalse(Files.exists(sample.file("rootCA-service-1.key")), "the guide removes the clear CA keys");
            assertTrue(Files.isRegularFile(sample.file("mtls-certs/ca/service-1/ca.key")));
            assertEquals(1, aws.lambda().layerVersions("mtls-service-1").size());
            assertEquals(1, aws.lambda().layerVersions("mtls-service-2").size());

            Path opt = temp.resolve("opt");
            for (String service : List.of("service-1", "service-2")) {
                LayerZips.unzip(FakeAwsCli.layerContent(aws, "mtls-" + service, 1)).forEach((name, bytes) -> write(opt.resolve(name), bytes));
            }
            try (NginxBackends nginx = NginxBackends.start(temp.resolve("nginx"), List.of(
                    sampleBackend(sample, 1, "TLSv1.2"), sampleBackend(sample, 2, NginxBackends.TLS_1_2_AND_1_3)));
                 SsmClient ssm = FakeAwsCli.ssm(aws)) {
                MtlsClients clients = MtlsClients.builder().layerRoot(opt).tlsPolicy(TlsPolicy.DEFAULT)
                        .passwords(new SsmPasswords(ssm)).services("service-1", "service-2").build();
                for (int n = 1; n <= 2; n++) {
                    HttpResponse<String> response = clients.client("service-" + n).get(nginx.uri("service-" + n));
                    assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
                    assertEquals("{\"hello\": \"from backend service " + n + "\"}", response.body());
                    assertEquals(n == 1 ? "TLSv1.2" : "TLSv1.3", response.sslSession().orElseThrow().getProtocol());
                }
            }
        }
    }

    static List<String> shBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher matcher = SH_BLOCK.matcher(markdown);
        while (matcher.find()) {
            blocks.add(matcher.group(1));
        }
        return blocks;
    }

    private static NginxBackends.Backend sampleBackend(SampleMaterial sample, int n, String sslProtocols) {
        return new NginxBackends.Backend("service-" + n, sample.file("backend_service_" + n + ".crt"),
                sample.file("backend_service_" + n + ".key"), sample.file("rootCA-service-" + n + ".crt"),
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
