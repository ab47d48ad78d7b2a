package dev.mtlscli.pki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeKms;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Openssl;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `certs create --ca aws-kms --offline-root DIR` against the fake KMS: a local root per service,
 * its key encrypted in DIR and nowhere else, signs an intermediate CA certificate for the
 * service's KMS key, and the KMS key signs every leaf. The workspace trusts the root; the chains
 * carry the intermediate, and openssl verifies them strictly.
 */
class CertsCreateOfflineRootTest {
    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static FakeKms kms;
    private static Path offline;
    private static Workspace ws;
    private static List<RecordedRequest> signs;

    @BeforeAll
    static void create() {
        aws = FakeAws.start();
        kms = aws.kms();
        Path spec = Workspace.writeLocalhostSpec(temp.resolve("mtls.json"));
        offline = temp.resolve("offline-root");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--offline-root", offline.toString(), "--spec", spec.toString(),
                "--out", temp.resolve("ws").toString(), "--layer-dir", temp.resolve("layer").toString());
        ws = Workspace.open(temp.resolve("ws"), "pkcs12");
        signs = aws.requests("Sign");
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    private static FakeKms.Key key(String service) {
        return kms.key("alias/mtls/" + service + "-ca");
    }

    private static X509Certificate root(String service) {
        return Pem.certificate(offline.resolve(service + "/root.crt"));
    }

    private static List<X509Certificate> caChain(String service) {
        return Pem.certificates(ws.file(Workspace.caCertificate(service)));
    }

    @Test
    void theRootKeyIsEncryptedInTheOfflineDirectoryWithItsPassword0600() throws Exception {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(offline)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(offline.resolve("passwords.json"))));
        JsonNode passwords = new ObjectMapper().readTree(offline.resolve("passwords.json").toFile()).get("passwords");
        for (String service : Workspace.DEMO_SERVICES) {
            Path key = offline.resolve(service + "/root.key");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            String pem = Files.readString(key);
            assertTrue(pem.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"), pem);
            Path passwordFile = Files.writeString(temp.resolve(service + "-root-password"), passwords.get(service + "/root.key").asText());
            String parsed = Tool.openssl("asn1parse", "-in", key.toString()).runOk().out();
            assertTrue(parsed.contains("PBES2") && parsed.contains("PBKDF2") && parsed.contains("aes-256-cbc"), parsed);
            String publicKey = Tool.openssl("pkey", "-in", key.toString(), "-passin", "file:" + passwordFile, "-pubout").runOk().out();
            assertEquals(Openssl.certificatePublicKey(offline.resolve(service + "/root.crt")), publicKey);
        }
    }

    @Test
    void theWorkspaceHoldsTheRootAndIntermediateCertificatesAndTheKeyArnButNoCaKey() throws Exception {
        for (String service : Workspace.DEMO_SERVICES) {
            List<X509Certificate> chain = caChain(service);
            assertEquals(2, chain.size(), "the KMS intermediate, then the offline root");
            X509Certificate intermediate = chain.get(0);
            assertEquals(root(service), chain.get(1));
            assertEquals(key(service).publicKey(), intermediate.getPublicKey(), "the intermediate holds the KMS key's public key");
            intermediate.verify(root(service).getPublicKey());
            assertEquals("CN=" + service + " KMS Intermediate CA,O=mtls-cli test", intermediate.getSubjectX500Principal().getName());
            assertEquals("CN=" + service + " Root CA,O=mtls-cli test", root(service).getSubjectX500Principal().getName());
            assertEquals(key(service).arn() + "\n", Files.readString(ws.file("ca/" + service + "/kms-key-arn")));
            assertEquals("mtls-cli: the intermediate CA key of service " + service, key(service).description());
            assertFalse(Files.exists(ws.file(Workspace.caKey(service))));
        }
        try (Stream<Path> files = Stream.concat(Files.walk(ws.root()), Files.walk(temp.resolve("layer")))) {
            List<Path> found = files.filter(Files::isRegularFile).toList();
            for (Path file : found) {
                String text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertFalse(text.contains("PRIVATE KEY") && (file.toString().contains("/ca/") || file.getFileName().toString().startsWith("root")),
                        "no CA key in " + file);
            }
        }
        assertTrue(ws.passwords().keySet().stream().noneMatch(file -> file.contains("root") || file.endsWith("ca.key")),
                ws.passwords().keySet().toString());
    }

    @Test
    void theRootMayIssueOneLevelAndTheIntermediateOnlyLeaves() throws Exception {
        for (String service : Workspace.DEMO_SERVICES) {
            String root = Openssl.x509Text(offline.resolve(service + "/root.crt"));
            assertEquals(List.of("X509v3 Basic Constraints: critical", "CA:TRUE, pathlen:1"), Openssl.extension(root, "Basic Constraints"));
            Path intermediateFile = Files.writeString(temp.resolve(service + "-intermediate.pem"), Pem.encode(caChain(service).get(0)));
            String intermediate = Openssl.x509Text(intermediateFile);
            assertEquals(List.of("X509v3 Basic Constraints: critical", "CA:TRUE, pathlen:0"),
                    Openssl.extension(intermediate, "Basic Constraints"));
            assertEquals(List.of("X509v3 Key Usage: critical", "Certificate Sign, CRL Sign"), Openssl.extension(intermediate, "Key Usage"));
            assertTrue(intermediate.contains("X509v3 Authority Key Identifier"), intermediate);
        }
    }

    @Test
    void theBackendAndTheClientsTrustTheRootAndTheChainsCarryTheIntermediate() throws Exception {
        for (String service : Workspace.DEMO_SERVICES) {
            X509Certificate intermediate = caChain(service).get(0);
            assertEquals(List.of(root(service)), Pem.certificates(ws.file(Workspace.clientCa(service))));
            KeyStore trust = ws.loadTrustStore(service);
            assertEquals(List.of(service + "-ca"), Collections.list(trust.aliases()));
            assertEquals(root(service), trust.getCertificate(service + "-ca"));
            Certificate[] clientChain = ws.loadKeyStore(service).getCertificateChain(service);
            assertEquals(List.of(intermediate, root(service)), Arrays.asList(clientChain).subList(1, clientChain.length));
            List<X509Certificate> serverChain = Pem.certificates(ws.file(Workspace.serverChain(service)));
            assertEquals(List.of(Pem.certificate(ws.file(Workspace.serverCertificate(service))), intermediate, root(service)), serverChain);
            KeyStore layerTrust = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(temp.resolve("layer/mtls/" + service + "/truststore.p12"))) {
                layerTrust.load(in, ws.password(ws.trustStore(service)).toCharArray());
            }
            assertEquals(List.of(root(service)), Collections.list(layerTrust.aliases()).stream()
                    .map(alias -> certificate(layerTrust, alias)).toList(), "the layer's truststore trusts the root");
        }
    }

    private static Certificate certificate(KeyStore store, String alias) {
        try {
            return store.getCertificate(alias);
        } catch (java.security.KeyStoreException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void opensslVerifiesEveryChainStrictlyFromTheRootAlone() throws Exception {
        for (String service : Workspace.DEMO_SERVICES) {
            String root = offline.resolve(service + "/root.crt").toString();
            Path intermediate = Files.writeString(temp.resolve(service + "-untrusted.pem"), Pem.encode(caChain(service).get(0)));
            Tool.openssl("verify", "-x509_strict", "-CAfile", root, "-untrusted", intermediate.toString(), intermediate.toString()).runOk();
            Tool.openssl("verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", root, "-untrusted",
                    ws.file(Workspace.serverChain(service)).toString(), ws.file(Workspace.serverCertificate(service)).toString()).runOk();
            X509Certificate client = (X509Certificate) ws.loadKeyStore(service).getCertificate(service);
            Path clientFile = Files.writeString(temp.resolve(service + "-client.pem"), Pem.encode(client));
            Tool.openssl("verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", root, "-untrusted", intermediate.toString(),
                    clientFile.toString()).runOk();
            Tool.Result withoutIntermediate = Tool.openssl("verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", root,
                    clientFile.toString()).run();
            assertNotEquals(0, withoutIntermediate.exitCode(), "the leaf is the intermediate's, not the root's: "
                    + withoutIntermediate.describe());
            // the trust anchor is not counted: depth 1 allows the one intermediate, depth 0 does not (docs/certs.md)
            Tool.openssl("verify", "-x509_strict", "-verify_depth", "1", "-purpose", "sslclient", "-CAfile", root, "-untrusted",
                    intermediate.toString(), clientFile.toString()).runOk();
            Tool.Result depth0 = Tool.openssl("verify", "-x509_strict", "-verify_depth", "0", "-purpose", "sslclient", "-CAfile", root,
                    "-untrusted", intermediate.toString(), clientFile.toString()).run();
            assertTrue(depth0.exitCode() != 0 && depth0.all().contains("certificate chain too long"), depth0.describe());
        }
    }

    @Test
    void kmsSignsEachLeafOnceAndTheRootSignsTheIntermediateLocally() throws Exception {
        for (String service : Workspace.DEMO_SERVICES) {
            assertEquals(2, kms.signCount(key(service).keyId()), "the server and the client certificate of " + service);
            X509Certificate client = (X509Certificate) ws.loadKeyStore(service).getCertificate(service);
            client.verify(key(service).publicKey());
            Pem.certificate(ws.file(Workspace.serverCertificate(service))).verify(key(service).publicKey());
        }
        assertEquals(4, signs.size());
        for (RecordedRequest sign : signs) {
            assertEquals("DIGEST", sign.json().get("MessageType"), sign.body());
            assertEquals("ECDSA_SHA_256", sign.json().get("SigningAlgorithm"), sign.body());
        }
    }

    @Test
    void certsInspectShowsTheIntermediateUnderTheRootAndTheClientsThreeLevelChain() throws Exception {
        JsonNode report = new ObjectMapper().readTree(dev.mtlscli.testing.Cli.runOk("certs", "inspect", ws.root().toString(),
                "--output", "json").out());
        JsonNode ca = fileReport(report, "ca/service-1/ca.crt");
        List<String> subjects = new java.util.ArrayList<>();
        List<String> issuers = new java.util.ArrayList<>();
        for (JsonNode entry : ca.get("entries")) {
            for (JsonNode certificate : entry.get("certificates")) {
                subjects.add(certificate.get("subject").asText());
                issuers.add(certificate.get("issuer").asText());
                assertTrue(certificate.get("ca").asBoolean(), certificate.toString());
            }
        }
        assertEquals(List.of("CN=service-1 KMS Intermediate CA,O=mtls-cli test", "CN=service-1 Root CA,O=mtls-cli test"), subjects);
        assertEquals(List.of("CN=service-1 Root CA,O=mtls-cli test", "CN=service-1 Root CA,O=mtls-cli test"), issuers);
        JsonNode keyStore = fileReport(report, "clients/service-1/keystore.p12").get("entries").get(0);
        assertEquals(3, keyStore.get("certificates").size(), keyStore.toString());
        assertTrue(keyStore.get("chainVerifies").asBoolean() && keyStore.get("chainComplete").asBoolean(), keyStore.toString());
    }

    /** The report of one workspace file in certs inspect's JSON, wherever it nests it. */
    private static JsonNode fileReport(JsonNode report, String path) {
        List<JsonNode> found = report.findParents("path").stream().filter(node -> path.equals(node.get("path").asText())).toList();
        assertEquals(1, found.size(), () -> path + " in " + report);
        return found.get(0);
    }

    @Test
    void dryRunSaysTheRootIsMadeLocallyAndCallsAndWritesNothing() {
        aws.clearRequests();
        Path out = temp.resolve("ws-dry");
        Path dryRoot = temp.resolve("offline-dry");

        String printed = FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--offline-root", dryRoot.toString(),
                "--dry-run", "--out", out.toString()).out();

        assertEquals(List.of(), aws.requests());
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(dryRoot));
        assertTrue(printed.contains("kms Sign (MessageType DIGEST) x2 alias/mtls/service-1-ca"), printed);
        assertTrue(printed.contains("the offline root 'CN=service-1 Root CA,O=mtls-cli demo' (3650 days, ec-p256) is made locally"), printed);
    }

    @Test
    void theOfflineDirectoryHoldsOnlyTheRootsAndTheirPasswords() throws IOException {
        try (Stream<Path> entries = Files.walk(offline)) {
            List<String> names = entries.filter(Files::isRegularFile).map(path -> offline.relativize(path).toString()).sorted().toList();
            assertEquals(List.of(".mtls-cli-files", "passwords.json", "service-1/root.crt", "service-1/root.key",
                    "service-2/root.crt", "service-2/root.key"), names);
        }
        try (Stream<Path> siblings = Files.list(temp)) {
            assertTrue(siblings.noneMatch(path -> path.getFileName().toString().contains("staging")), "no staging leftover");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
