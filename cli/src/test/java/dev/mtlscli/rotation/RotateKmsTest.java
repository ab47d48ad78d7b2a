package dev.mtlscli.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeKms;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A workspace whose CA keys are KMS keys (made by `certs create --ca aws-kms` against the fake)
 * works with the commands that read it: rotate renews the client through the key the workspace
 * recorded, layer publish and status read its layers, certs inspect reads it; certs rekey, which
 * needs a local CA, is refused in one line.
 */
class RotateKmsTest {
    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static FakeKms kms;
    private static Path dir;

    @BeforeAll
    static void create() {
        aws = FakeAws.start();
        kms = aws.kms();
        dir = temp.resolve("ws");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--out", dir.toString());
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    private static FakeKms.Key key(String service) {
        return kms.key("alias/mtls/" + service + "-ca");
    }

    @Test
    void rotateRenewsTheClientWithOneSignOfTheRecordedKeyAndMovesTheFunctions() throws Exception {
        FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", dir.toString(), "--service", "service-2");
        String v1 = aws.lambda().layerVersions("mtls-service-2").get(0).layerVersionArn();
        aws.lambda().createFunction("orders", "java21", List.of(v1), Map.of());
        X509Certificate before = (X509Certificate) Workspace.open(dir, "pkcs12").loadKeyStore("service-2").getCertificate("service-2");
        int signs = kms.signCount(key("service-2").keyId());
        aws.clearRequests();

        FakeAwsCli.runOk(aws, "rotate", "--service", "service-2", "--workspace", dir.toString(), "--force");

        assertEquals(signs + 1, kms.signCount(key("service-2").keyId()), "only the client certificate is signed");
        List<RecordedRequest> sign = aws.requests("Sign");
        assertEquals(1, sign.size());
        assertEquals(key("service-2").arn(), sign.get(0).json().get("KeyId"));
        Workspace after = Workspace.open(dir, "pkcs12");
        X509Certificate client = (X509Certificate) after.loadKeyStore("service-2").getCertificate("service-2");
        assertNotEquals(before, client);
        client.verify(key("service-2").publicKey());
        Path pem = Files.writeString(temp.resolve("renewed.pem"), Pem.encode(client));
        Tool.openssl("verify", "-x509_strict", "-purpose", "sslclient", "-CAfile",
                after.file(Workspace.caCertificate("service-2")).toString(), pem.toString()).runOk();
        String v2 = aws.lambda().layerVersions("mtls-service-2").get(1).layerVersionArn();
        assertEquals(List.of(v2), aws.lambda().function("orders").orElseThrow().layerArns());

        JsonNode status = new ObjectMapper().readTree(FakeAwsCli.run(aws, "status", "--layer", "mtls-service-2", "--output", "json")
                .assertExit(0, "status of a KMS workspace's layer").out());
        assertTrue(status.toString().contains("orders"), status.toString());
    }

    @Test
    void rotateStopsInOneLineWhenTheKeyIsDisabledAndChangesNothing() throws Exception {
        FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", dir.toString(), "--service", "service-1");
        String v1 = aws.lambda().layerVersions("mtls-service-1").get(0).layerVersionArn();
        aws.lambda().createFunction("payments", "java21", List.of(v1), Map.of());
        byte[] keyStore = Files.readAllBytes(dir.resolve("clients/service-1/keystore.p12"));
        kms.disable(key("service-1").keyId());
        try {
            Cli.Result result = FakeAwsCli.run(aws, "rotate", "--service", "service-1", "--workspace", dir.toString(), "--force");

            assertEquals(1, result.exitCode(), result.err());
            assertEquals(1, result.errLines().size(), result.err());
            assertTrue(result.err().startsWith("mtls-cli: "), result.err());
            assertTrue(result.err().contains("KMS key " + key("service-1").arn() + " is disabled"), result.err());
            assertArrayEquals(keyStore, Files.readAllBytes(dir.resolve("clients/service-1/keystore.p12")));
            assertEquals(List.of(v1), aws.lambda().function("payments").orElseThrow().layerArns());
        } finally {
            kms.enable(key("service-1").keyId());
        }
    }

    @Test
    void certsInspectReadsTheWorkspace() throws Exception {
        JsonNode report = new ObjectMapper().readTree(Cli.runOk("certs", "inspect", dir.toString(), "--output", "json").out());
        assertTrue(report.toString().contains("ca/service-1/ca.crt"), report.toString());
        assertTrue(report.toString().contains("CN=service-1 Root CA"), report.toString());
    }

    @Test
    void certsRekeyWhichIssuesFromALocalCaIsRefusedInOneLine() {
        String arn = key("service-1").arn();
        Map<String, String> before = snapshot();
        for (List<String> newCa : List.of(List.<String>of(), List.of("--new-ca"))) {
            List<String> args = new ArrayList<>(List.of("certs", "rekey", "--workspace", dir.toString(), "--service", "service-1"));
            args.addAll(newCa);
            Cli.Result result = Cli.run(args.toArray(String[]::new));
            assertEquals(1, result.exitCode(), result.err());
            assertEquals(1, result.errLines().size(), result.err());
            assertTrue(result.err().contains("the CA's key is KMS key " + arn + "; certs rekey issues from local CAs only"), result.err());
        }
        assertEquals(before, snapshot(), "the workspace is as it was");
    }

    @Test
    void aCaCertificateThatDoesNotHoldTheKeysPublicKeyIsRefused() throws Exception {
        Path copy = temp.resolve("ws-swapped");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--out", copy.toString());
        // the key ARN of service-1, but the CA certificate of service-2
        Files.copy(copy.resolve("ca/service-2/kms-key-arn"), copy.resolve("ca/service-1/kms-key-arn"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", copy.toString(), "--service", "service-1", "--layer-name", "swapped");

        Cli.Result result = FakeAwsCli.run(aws, "rotate", "--service", "service-1", "--workspace", copy.toString(), "--force",
                "--layer-name", "swapped");

        assertEquals(1, result.exitCode(), result.err());
        assertTrue(result.err().contains("does not hold the public key of KMS key " + key("service-2").arn()), result.err());
    }

    /** Every file of the workspace (path to content) but the bookkeeping of its lock, to compare before and after. */
    private static Map<String, String> snapshot() {
        try (Stream<Path> files = Files.walk(dir)) {
            Map<String, String> contents = new TreeMap<>();
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                contents.put(dir.relativize(file).toString(), HexFormat.of().formatHex(Files.readAllBytes(file)));
            }
            return contents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
