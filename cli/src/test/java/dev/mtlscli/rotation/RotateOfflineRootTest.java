package dev.mtlscli.rotation;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeKms;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tls;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `rotate` on a workspace of `certs create --ca aws-kms --offline-root DIR`: renewal signs with
 * the KMS intermediate and needs no DIR; `--new-ca` makes a new KMS intermediate under the same
 * root, which needs `--offline-root DIR` and says so in one line without it; the backend's
 * client-CA bundle and the truststore (the root) never change.
 */
class RotateOfflineRootTest {
    private static final String SERVICE = "service-1";

    private static Cli.Result rotate(FakeAws aws, Path dir, String... extra) {
        List<String> args = new ArrayList<>(List.of("rotate", "--service", SERVICE, "--workspace", dir.toString()));
        args.addAll(List.of(extra));
        return FakeAwsCli.run(aws, args.toArray(String[]::new));
    }

    private static Path create(FakeAws aws, Path temp, Path offline) {
        Path dir = temp.resolve("ws");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--offline-root", offline.toString(),
                "--spec", Workspace.writeLocalhostSpec(temp.resolve("mtls.json")).toString(), "--out", dir.toString());
        FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", dir.toString(), "--service", SERVICE);
        aws.lambda().createFunction("orders", "java21",
                List.of(aws.lambda().layerVersions("mtls-" + SERVICE).get(0).layerVersionArn()), Map.of());
        return dir;
    }

    private static List<Certificate> clientChain(Path dir) throws Exception {
        return Arrays.asList(Workspace.open(dir, "pkcs12").loadKeyStore(SERVICE).getCertificateChain(SERVICE));
    }

    /** Every file of the workspace with its bytes (but the lock, which names its last holder), to show a refused run changed nothing. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/rotations/") && !f.getFileName().toString().equals(".mtls-cli.lock")).toList()) {
                files.put(dir.relativize(file).toString(), java.util.HexFormat.of().formatHex(Files.readAllBytes(file)));
            }
        }
        return files;
    }

    private static void assertOneLine(Cli.Result result, String expected) {
        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().startsWith("mtls-cli: "), result.err());
        assertTrue(result.err().contains(expected), result.err());
    }

    @Test
    void renewalSignsWithTheIntermediateWithoutTheOfflineRoot(@TempDir Path temp) throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            FakeKms kms = aws.kms();
            Path offline = temp.resolve("offline-root");
            Path dir = create(aws, temp, offline);
            FakeKms.Key key = kms.key("alias/mtls/" + SERVICE + "-ca");
            List<Certificate> before = clientChain(dir);
            // the offline root is away: renewal must not need it
            Files.move(offline, temp.resolve("safe"));
            int signs = kms.signCount(key.keyId());

            FakeAwsCli.runOk(aws, "rotate", "--service", SERVICE, "--workspace", dir.toString(), "--force");

            assertEquals(signs + 1, kms.signCount(key.keyId()), "the client certificate, signed by the KMS intermediate");
            List<Certificate> after = clientChain(dir);
            assertNotEquals(before.get(0), after.get(0));
            assertEquals(before.subList(1, 3), after.subList(1, 3), "the same intermediate, then the same root");
            after.get(0).verify(key.publicKey());
            Path root = temp.resolve("safe/" + SERVICE + "/root.crt");
            Path client = Files.writeString(temp.resolve("client.pem"), Pem.encode((X509Certificate) after.get(0)));
            Path intermediate = Files.writeString(temp.resolve("intermediate.pem"), Pem.encode((X509Certificate) after.get(1)));
            Tool.openssl("verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", root.toString(), "-untrusted",
                    intermediate.toString(), client.toString()).runOk();
            String v2 = aws.lambda().layerVersions("mtls-" + SERVICE).get(1).layerVersionArn();
            assertEquals(List.of(v2), aws.lambda().function("orders").orElseThrow().layerArns());
        }
    }

    @Test
    void newCaWithoutTheOfflineRootIsRefusedInOneLineAndChangesNothing(@TempDir Path temp) throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            Path dir = create(aws, temp, temp.resolve("offline-root"));
            Map<String, String> before = snapshot(dir);
            int keys = aws.kms().keys().size();

            assertOneLine(rotate(aws, dir, "--new-ca"), "run again with --offline-root DIR");

            assertEquals(before, snapshot(dir));
            assertEquals(keys, aws.kms().keys().size(), "no KMS key is made");
        }
    }

    @Test
    void newCaWithAnotherRootOrADirectoryInsideTheWorkspaceIsRefused(@TempDir Path temp) throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            Path dir = create(aws, temp, temp.resolve("offline-root"));
            Path other = temp.resolve("other-root");
            FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--offline-root", other.toString(),
                    "--spec", temp.resolve("mtls.json").toString(), "--out", temp.resolve("other-ws").toString());
            Map<String, String> before = snapshot(dir);
            int keys = aws.kms().keys().size();

            assertOneLine(rotate(aws, dir, "--new-ca", "--offline-root", other.toString()), "holds another root of " + SERVICE);
            assertOneLine(rotate(aws, dir, "--new-ca", "--offline-root", dir.resolve("ca").toString()), "lies inside the workspace");
            assertOneLine(rotate(aws, dir, "--offline-root", temp.resolve("offline-root").toString()),
                    "--offline-root goes with --new-ca");

            assertEquals(before, snapshot(dir));
            assertEquals(keys, aws.kms().keys().size(), "no KMS key is made");
        }
    }

    @Test
    void newCaMakesANewKmsIntermediateUnderTheSameRootAndTheBackendKeepsItsBundle(@TempDir Path temp) throws Exception {
        Tool.require("nginx");
        try (FakeAws aws = FakeAws.start()) {
            FakeKms kms = aws.kms();
            Path offline = temp.resolve("offline-root");
            Path dir = create(aws, temp, offline);
            FakeKms.Key oldKey = kms.key("alias/mtls/" + SERVICE + "-ca");
            X509Certificate root = Pem.certificate(offline.resolve(SERVICE + "/root.crt"));
            X509Certificate oldIntermediate = Pem.certificates(dir.resolve(Workspace.caCertificate(SERVICE))).get(0);
            byte[] bundle = Files.readAllBytes(dir.resolve(Workspace.clientCa(SERVICE)));
            byte[] trustStore = Files.readAllBytes(dir.resolve("clients/" + SERVICE + "/truststore.p12"));
            byte[] rootKey = Files.readAllBytes(offline.resolve(SERVICE + "/root.key"));
            int keys = kms.keys().size();

            Cli.Result rolled = rotate(aws, dir, "--new-ca", "--offline-root", offline.toString());

            assertEquals(3, rolled.exitCode(), rolled.err());
            assertEquals(keys + 1, kms.keys().size(), "one new KMS key");
            String newArn = Files.readString(dir.resolve("ca/" + SERVICE + "/kms-key-arn")).trim();
            FakeKms.Key newKey = kms.key(newArn);
            assertNotEquals(oldKey.arn(), newKey.arn());
            assertEquals("mtls-cli: the intermediate CA key of service " + SERVICE + ", rolled over from "
                    + oldKey.arn(), newKey.description());
            assertEquals(oldKey.arn() + "\n", Files.readString(dir.resolve("ca/" + SERVICE + "/previous/kms-key-arn")));
            assertFalse(Files.exists(dir.resolve("ca/" + SERVICE + "/next")));
            List<X509Certificate> chain = Pem.certificates(dir.resolve(Workspace.caCertificate(SERVICE)));
            X509Certificate newIntermediate = chain.get(0);
            assertEquals(List.of(newIntermediate, root), chain, "the new intermediate under the same root");
            assertEquals(newKey.publicKey(), newIntermediate.getPublicKey());
            newIntermediate.verify(root.getPublicKey());
            assertEquals("CN=" + SERVICE + " KMS Intermediate CA G2,O=mtls-cli test", newIntermediate.getSubjectX500Principal().getName());
            assertNotEquals(oldIntermediate, newIntermediate);
            List<Certificate> client = clientChain(dir);
            assertEquals(List.of(newIntermediate, root), client.subList(1, 3));
            client.get(0).verify(newKey.publicKey());
            List<X509Certificate> serverChain = Pem.certificates(dir.resolve(Workspace.serverChain(SERVICE)));
            assertEquals(List.of(newIntermediate, root), serverChain.subList(1, 3));
            Path intermediateFile = Files.writeString(temp.resolve("new-intermediate.pem"), Pem.encode(newIntermediate));
            Tool.openssl("verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", offline.resolve(SERVICE + "/root.crt").toString(),
                    "-untrusted", intermediateFile.toString(), dir.resolve(Workspace.serverCertificate(SERVICE)).toString()).runOk();
            assertArrayEquals(bundle, Files.readAllBytes(dir.resolve(Workspace.clientCa(SERVICE))), "the backend's bundle is unchanged");
            assertArrayEquals(trustStore, Files.readAllBytes(dir.resolve("clients/" + SERVICE + "/truststore.p12")));
            assertArrayEquals(rootKey, Files.readAllBytes(offline.resolve(SERVICE + "/root.key")), "the offline root is only read");
            String v2 = aws.lambda().layerVersions("mtls-" + SERVICE).get(1).layerVersionArn();
            assertEquals(List.of(v2), aws.lambda().function("orders").orElseThrow().layerArns());

            Workspace ws = Workspace.open(dir, "pkcs12");
            try (NginxBackends nginx = NginxBackends.start(temp.resolve("nginx"), List.of(NginxBackends.demoBackend(SERVICE, ws, SERVICE)))) {
                HttpResponse<String> response = Tls.get(Tls.client(Tls.context(ws.loadKeyStore(SERVICE),
                        ws.password(ws.keyStore(SERVICE)).toCharArray(), ws.loadTrustStore(SERVICE))), nginx.uri(SERVICE).toString());
                assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
            }

            Cli.Result again = rotate(aws, dir, "--new-ca", "--offline-root", offline.toString());
            assertOneLine(again, "--complete-ca-rollover");

            rotate(aws, dir, "--complete-ca-rollover").assertExit(0, "complete the rollover");

            assertEquals("PendingDeletion", kms.key(oldKey.keyId()).state());
            assertEquals(List.of("alias/mtls/" + SERVICE + "-ca"), kms.key(newArn).aliases(), "the alias moved to the live key");
            assertFalse(Files.exists(dir.resolve("ca/" + SERVICE + "/previous")));
            assertArrayEquals(bundle, Files.readAllBytes(dir.resolve(Workspace.clientCa(SERVICE))));
            assertArrayEquals(trustStore, Files.readAllBytes(dir.resolve("clients/" + SERVICE + "/truststore.p12")));
            assertEquals(List.of(newIntermediate, root), Pem.certificates(dir.resolve(Workspace.caCertificate(SERVICE))));

            int signs = kms.signCount(newArn);
            FakeAwsCli.runOk(aws, "rotate", "--service", SERVICE, "--workspace", dir.toString(), "--force");
            assertEquals(signs + 1, kms.signCount(newArn), "renewal signs with the new intermediate's key");
        }
    }
}
