package dev.mtlscli.layer;

import dev.mtlscli.MtlsException;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.secrets.ParameterPublisher;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.PemFiles;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Workspace;
import dev.mtlscli.workspace.ExistingWorkspace;
import dev.mtlscli.testing.TreeCopy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What `layer publish` checks before anything reaches AWS, and what a layer may hold: never a CA
 * key, never anything but the client stores and the manifest.
 */
class LayerMaterialCheckTest {
    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static Workspace ws;
    private static Workspace other;

    @BeforeAll
    static void start() {
        aws = FakeAws.start();
        ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        other = Workspace.create(temp.resolve("other"), "ec-p256", "pkcs12", null);
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    private Cli.Result publish(Path workspace) {
        aws.clearRequests();
        return FakeAwsCli.run(aws, "layer", "publish", "--workspace", workspace.toString(), "--service", "service-1");
    }

    private static void assertRefusedBeforeAnyCall(Cli.Result result, String expected) {
        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains(expected), result.err());
        assertEquals(List.of(), aws.requests());
    }

    @Test
    void aKeystoreHoldingTheCaKeyIsRefused() throws Exception {
        Path copy = TreeCopy.copy(ws.root(), temp.resolve("ca-key-in-keystore"));
        char[] caKeyPassword = ws.password(Workspace.caKey("service-1")).toCharArray();
        PrivateKey caKey = PemFiles.readEncryptedPrivateKey(copy.resolve(Workspace.caKey("service-1")), caKeyPassword);
        X509Certificate caCertificate = Pem.certificate(copy.resolve(Workspace.caCertificate("service-1")));
        char[] password = ws.password(ws.keyStore("service-1")).toCharArray();
        writeKeyStore(copy.resolve(ws.keyStore("service-1")), "service-1", caKey, new Certificate[]{caCertificate}, password);

        assertRefusedBeforeAnyCall(publish(copy), "holds the key of a CA certificate");
    }

    @Test
    void aKeystoreWithTwoPrivateKeysIsRefused() throws Exception {
        Path copy = TreeCopy.copy(ws.root(), temp.resolve("two-keys"));
        char[] password = ws.password(ws.keyStore("service-1")).toCharArray();
        KeyStore one = ws.loadKeyStore("service-1");
        KeyStore two = ws.loadKeyStore("service-2");
        KeyStore both = KeyStore.getInstance("PKCS12");
        both.load(null, null);
        both.setKeyEntry("service-1", one.getKey("service-1", password), password, one.getCertificateChain("service-1"));
        both.setKeyEntry("service-2", two.getKey("service-2", ws.password(ws.keyStore("service-2")).toCharArray()), password,
                two.getCertificateChain("service-2"));
        try (OutputStream out = Files.newOutputStream(copy.resolve(ws.keyStore("service-1")))) {
            both.store(out, password);
        }

        assertRefusedBeforeAnyCall(publish(copy), "must hold exactly one private key entry, it holds 2");
    }

    @Test
    void aKeyThatDoesNotMatchItsCertificateIsRefused() throws Exception {
        Path copy = TreeCopy.copy(ws.root(), temp.resolve("mismatch"));
        char[] password = ws.password(ws.keyStore("service-1")).toCharArray();
        KeyStore one = ws.loadKeyStore("service-1");
        KeyStore two = ws.loadKeyStore("service-2");
        PrivateKey keyOfTwo = (PrivateKey) two.getKey("service-2", ws.password(ws.keyStore("service-2")).toCharArray());
        writeKeyStore(copy.resolve(ws.keyStore("service-1")), "service-1", keyOfTwo, one.getCertificateChain("service-1"), password);

        assertRefusedBeforeAnyCall(publish(copy), "the private key does not match the certificate");
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        Path copy = TreeCopy.copy(ws.root(), temp.resolve("wrong-password"));
        String passwords = Files.readString(copy.resolve("passwords.json"))
                .replace(ws.password(ws.keyStore("service-1")), "x".repeat(32));
        Files.writeString(copy.resolve("passwords.json"), passwords);

        assertRefusedBeforeAnyCall(publish(copy), "wrong password for pkcs12 store");
    }

    @Test
    void aTruststoreWithoutTheServerCaIsRefused() throws Exception {
        Path copy = TreeCopy.copy(ws.root(), temp.resolve("other-truststore"));
        Files.copy(other.file(other.trustStore("service-1")), copy.resolve(ws.trustStore("service-1")), StandardCopyOption.REPLACE_EXISTING);
        String passwords = Files.readString(copy.resolve("passwords.json"))
                .replace(ws.password(ws.trustStore("service-1")), other.password(other.trustStore("service-1")));
        Files.writeString(copy.resolve("passwords.json"), passwords);

        assertRefusedBeforeAnyCall(publish(copy), "does not trust the server CA");
    }

    @Test
    void aChainFromAnotherCaIsRefused() throws Exception {
        Path copy = TreeCopy.copy(ws.root(), temp.resolve("other-ca"));
        Files.copy(other.file(Workspace.caCertificate("service-1")), copy.resolve(Workspace.caCertificate("service-1")),
                StandardCopyOption.REPLACE_EXISTING);

        assertRefusedBeforeAnyCall(publish(copy), "does not verify to the CA");
    }

    @Test
    void expiredAndSoonExpiringCertificatesAreRefusedAndForceOnlyOverridesTheWindow() {
        ExistingWorkspace workspace = ExistingWorkspace.open(ws.root());
        Instant notAfter = new MaterialCheck(Instant.now(), Duration.ZERO, false).check(workspace, "service-1").notAfter();

        MtlsException expired = assertThrows(MtlsException.class, () ->
                new MaterialCheck(notAfter.plusSeconds(1), Duration.ofDays(30), true).check(workspace, "service-1"));
        assertTrue(expired.getMessage().contains("expired on " + notAfter), expired.getMessage());

        Instant tenDaysBefore = notAfter.minus(Duration.ofDays(10));
        MtlsException soon = assertThrows(MtlsException.class, () ->
                new MaterialCheck(tenDaysBefore, Duration.ofDays(30), false).check(workspace, "service-1"));
        assertTrue(soon.getMessage().contains("within 30 days") && soon.getMessage().contains("--force"), soon.getMessage());

        assertEquals(notAfter, new MaterialCheck(tenDaysBefore, Duration.ofDays(30), true).check(workspace, "service-1").notAfter());
    }

    @Test
    void theRenewalWindowIsAlsoCheckedOnTheCommandLine() {
        assertRefusedBeforeAnyCall(FakeAwsCli.run(aws, "layer", "publish", "--workspace", ws.root().toString(),
                "--renew-before", "366"), "within 366 days; renew it, or publish anyway with --force");

        FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", ws.root().toString(), "--service", "service-2",
                "--renew-before", "366", "--force");
    }

    @Test
    void aZipOverTheDirectUploadLimitIsRefusedBeforeAnyCall() {
        LayerMaterial real = new MaterialCheck(Instant.now(), Duration.ZERO, false).check(ExistingWorkspace.open(ws.root()), "service-1");
        byte[] huge = new byte[(int) LayerPublisher.MAX_DIRECT_UPLOAD_BYTES + 1];
        new SecureRandom().nextBytes(huge);
        LayerMaterial tooLarge = new LayerMaterial(real.service(), real.host(), real.storeType(), real.storeExtension(),
                huge, real.trustStore(), real.keyStorePassword(), real.trustStorePassword(), real.clientCertificate());
        aws.clearRequests();

        try (LambdaClient lambda = FakeAwsCli.lambda(aws); SsmClient ssm = FakeAwsCli.ssm(aws)) {
            LayerPublisher publisher = new LayerPublisher(lambda, new ParameterPublisher(ssm, null, Map.of()), line -> { });
            PublishOptions options = new PublishOptions(PublishOptions.DEFAULT_LAYER_NAME, "/mtls/{service}/", null, Map.of(),
                    PublishOptions.DEFAULT_RUNTIMES, PublishOptions.DEFAULT_ARCHITECTURES, List.of());
            MtlsException e = assertThrows(MtlsException.class, () -> publisher.publish(tooLarge, "/mtls/service-1/", options));
            assertTrue(e.getMessage().contains("Lambda takes at most 50 MB in a direct upload"), e.getMessage());
        }
        assertEquals(List.of(), aws.requests());
    }

    @Test
    void aPublishedLayerHoldsTheClientKeyAndNoCaKey() throws Exception {
        FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", ws.root().toString(), "--service", "service-1",
                "--layer-name", "ca-key-check-{service}");

        Map<String, byte[]> files = LayerZips.unzip(FakeAwsCli.layerContent(aws, "ca-key-check-service-1", 1));
        assertEquals(List.of("mtls/service-1/keystore.p12", "mtls/service-1/manifest.json", "mtls/service-1/truststore.p12"),
                List.copyOf(files.keySet()));
        List<byte[]> caPublicKeys = new ArrayList<>();
        for (String service : Workspace.DEMO_SERVICES) {
            caPublicKeys.add(Pem.certificate(ws.file(Workspace.caCertificate(service))).getPublicKey().getEncoded());
        }
        KeyStore keyStore = load(files.get("mtls/service-1/keystore.p12"), ws.password(ws.keyStore("service-1")));
        List<String> keyEntries = Collections.list(keyStore.aliases()).stream().filter(alias -> isKey(keyStore, alias)).toList();
        assertEquals(List.of("service-1"), keyEntries);
        X509Certificate leaf = (X509Certificate) keyStore.getCertificate("service-1");
        assertEquals(-1, leaf.getBasicConstraints(), "the key is a leaf's, not a CA's");
        for (byte[] caPublicKey : caPublicKeys) {
            assertNotEquals(java.util.Arrays.toString(caPublicKey), java.util.Arrays.toString(leaf.getPublicKey().getEncoded()));
        }
        KeyStore trustStore = load(files.get("mtls/service-1/truststore.p12"), ws.password(ws.trustStore("service-1")));
        assertTrue(Collections.list(trustStore.aliases()).stream().noneMatch(alias -> isKey(trustStore, alias)));
        assertArrayEquals(Files.readAllBytes(ws.file(ws.keyStore("service-1"))), files.get("mtls/service-1/keystore.p12"));
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (java.security.KeyStoreException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyStore load(byte[] bytes, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new java.io.ByteArrayInputStream(bytes), password.toCharArray());
        return store;
    }

    private static void writeKeyStore(Path file, String alias, PrivateKey key, Certificate[] chain, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(alias, key, password, chain);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
    }
}
