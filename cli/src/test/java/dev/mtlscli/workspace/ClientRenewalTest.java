package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.layer.MaterialCheck;
import dev.mtlscli.pki.CertificateIssuer;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import dev.mtlscli.workspace.ClientRenewal.RenewedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Renewal of a service's client identity in a workspace written by `certs create`, checked with openssl and the JDK. */
class ClientRenewalTest {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"ec-p256, pkcs12", "ec-p384, jks", "rsa-2048, pkcs12"})
    void aNewKeyCertificateAndPasswordFromTheSameCaWithTheSameSubjectAndValidity(String keyAlgorithm, String storeType)
            throws Exception {
        Workspace before = Workspace.create(temp.resolve("ws"), keyAlgorithm, storeType, null);
        String keyStore = before.keyStore("service-1");
        String oldPassword = before.password(keyStore);
        X509Certificate oldCertificate = (X509Certificate) before.loadKeyStore("service-1").getCertificate("service-1");
        Map<String, byte[]> untouched = read(before, before.keyStore("service-2"), before.trustStore("service-1"), before.trustStore("service-2"),
                Workspace.caCertificate("service-1"), Workspace.caKey("service-1"), Workspace.serverCertificate("service-1"),
                Workspace.serverKey("service-1"), Workspace.clientCa("service-1"));
        ExistingWorkspace ws = ExistingWorkspace.open(before.root());

        RenewedClient renewed = new ClientRenewal(new SecureRandom())
                .renew(ws, "service-1", WorkspaceIssuers.current(ws, "service-1", null, new SecureRandom()));

        Workspace after = Workspace.open(before.root(), storeType);
        String newPassword = after.password(keyStore);
        assertNotEquals(oldPassword, newPassword, "a new keystore password");
        assertEquals(32, newPassword.length());
        assertThrows(IOException.class, () -> KeyStore.getInstance(after.jcaStoreType())
                .load(new ByteArrayInputStream(Files.readAllBytes(after.file(keyStore))), oldPassword.toCharArray()),
                "the old password no longer opens the keystore");
        KeyStore store = after.loadKeyStore("service-1");
        assertEquals(List.of("service-1"), Collections.list(store.aliases()), "the same single alias");
        assertEquals(after.jcaStoreType(), store.getType());
        X509Certificate certificate = (X509Certificate) store.getCertificate("service-1");
        PrivateKey key = (PrivateKey) store.getKey("service-1", newPassword.toCharArray());

        assertEquals(oldCertificate, renewed.previous());
        assertEquals(certificate, renewed.current());
        assertEquals("service-1", renewed.service());
        assertNotEquals(oldCertificate, certificate);
        assertFalse(Arrays.equals(oldCertificate.getPublicKey().getEncoded(), certificate.getPublicKey().getEncoded()),
                "a new key pair");
        assertEquals(describe(oldCertificate.getPublicKey()), describe(certificate.getPublicKey()), "the same key algorithm");
        assertEquals(key.getAlgorithm(), certificate.getPublicKey().getAlgorithm());
        assertEquals(oldCertificate.getSubjectX500Principal(), certificate.getSubjectX500Principal());
        assertArrayEquals(oldCertificate.getSubjectX500Principal().getEncoded(), certificate.getSubjectX500Principal().getEncoded(),
                "the subject is the same to the byte (RDN order and string types)");
        assertEquals(oldCertificate.getIssuerX500Principal(), certificate.getIssuerX500Principal());
        assertEquals(List.of(CLIENT_AUTH), certificate.getExtendedKeyUsage());
        assertEquals(365, Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()).toDays());
        assertFalse(certificate.getNotBefore().before(oldCertificate.getNotBefore()), "issued now, not backdated to the old one");
        assertEquals(Pem.certificate(after.file(Workspace.caCertificate("service-1"))), store.getCertificateChain("service-1")[1],
                "the chain carries the CA, as certs create writes it");

        Path pem = temp.resolve("renewed.pem");
        Files.writeString(pem, Pem.encode(certificate));
        Tool.openssl("verify", "-x509_strict", "-purpose", "sslclient",
                "-CAfile", after.file(Workspace.caCertificate("service-1")).toString(), pem.toString()).runOk();

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(after.file(keyStore))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(after.file("passwords.json"))));
        untouched.forEach((file, bytes) -> assertArrayEquals(bytes, readFile(after.file(file)), file + " must not change"));
        assertEquals(before.password(before.keyStore("service-2")), after.password(after.keyStore("service-2")));
        assertEquals(before.password(before.trustStore("service-1")), after.password(after.trustStore("service-1")));
        assertEquals(before.passwords().keySet(), after.passwords().keySet(), "no entry added or dropped");
        assertFalse(Files.exists(after.file(WorkspaceLayout.clientRenewalPrevious("service-1"))), "no renewal leftovers");
        assertTrue(Files.list(after.file("clients/service-1")).allMatch(p -> p.getFileName().toString().equals("keystore." + after.extension())
                        || p.getFileName().toString().equals("truststore." + after.extension())),
                "nothing else in the client directory (no temporary file)");

        // the workspace object the renewal ran on answers with the new password, and a fresh one too
        assertEquals(newPassword, new String(ws.passwords().get(keyStore)));
        MaterialCheck check = new MaterialCheck(Instant.now(), Duration.ZERO, false);
        check.check(ws, "service-1");
        for (String service : Workspace.DEMO_SERVICES) {
            check.check(ExistingWorkspace.open(after.root()), service);
        }
        assertFalse(renewed.toString().contains(newPassword), "the result never carries the password");
    }

    @Test
    void renewingAgainGivesAnotherIdentityEachTime() throws Exception {
        Workspace created = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        ExistingWorkspace ws = ExistingWorkspace.open(created.root());
        CertificateIssuer ca = WorkspaceIssuers.current(ws, "service-2", null, new SecureRandom());
        ClientRenewal renewal = new ClientRenewal(new SecureRandom());

        RenewedClient first = renewal.renew(ws, "service-2", ca);
        RenewedClient second = renewal.renew(ws, "service-2", ca);

        assertEquals(first.current(), second.previous());
        assertNotEquals(first.current(), second.current());
        Workspace after = Workspace.open(created.root(), "pkcs12");
        assertEquals(second.current(), after.loadKeyStore("service-2").getCertificate("service-2"));
        new MaterialCheck(Instant.now(), Duration.ZERO, false).check(ExistingWorkspace.open(created.root()), "service-2");
    }

    @Test
    void aRenewalCutOffBetweenTheKeystoreAndPasswordsJsonIsFinishedByRunningItAgain() throws Exception {
        Workspace created = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        String keyStore = created.keyStore("service-1");
        X509Certificate original = (X509Certificate) created.loadKeyStore("service-1").getCertificate("service-1");
        ExistingWorkspace ws = ExistingWorkspace.open(created.root());
        CertificateIssuer ca = WorkspaceIssuers.current(ws, "service-1", null, new SecureRandom());
        byte[] keyStoreBefore = readFile(created.file(keyStore));

        IllegalStateException crash = assertThrows(IllegalStateException.class, () -> new ClientRenewal(new SecureRandom(), () -> {
            throw new IllegalStateException("killed");
        }).renew(ws, "service-1", ca));
        assertEquals("killed", crash.getMessage());

        // the cut-off state is real: the new keystore is in place, its password is not
        assertFalse(Arrays.equals(keyStoreBefore, readFile(created.file(keyStore))), "the keystore was replaced");
        assertEquals(created.password(keyStore), Workspace.open(created.root(), "pkcs12").password(keyStore), "passwords.json was not");
        assertThrows(MtlsException.class, () -> new MaterialCheck(Instant.now(), Duration.ZERO, false)
                .check(ExistingWorkspace.open(created.root()), "service-1"));
        assertTrue(Files.exists(created.file(WorkspaceLayout.clientRenewalPrevious("service-1"))));

        // a new process opens the workspace and runs the renewal again
        ExistingWorkspace reopened = ExistingWorkspace.open(created.root());
        RenewedClient renewed = new ClientRenewal(new SecureRandom())
                .renew(reopened, "service-1", WorkspaceIssuers.current(reopened, "service-1", null, new SecureRandom()));

        assertEquals(original, renewed.previous(), "renewed from the certificate the cut-off run replaced");
        Workspace after = Workspace.open(created.root(), "pkcs12");
        assertNotEquals(created.password(keyStore), after.password(keyStore));
        assertEquals(renewed.current(), after.loadKeyStore("service-1").getCertificate("service-1"));
        assertEquals(original.getSubjectX500Principal(), renewed.current().getSubjectX500Principal());
        assertFalse(Files.exists(created.file(WorkspaceLayout.clientRenewalPrevious("service-1"))));
        new MaterialCheck(Instant.now(), Duration.ZERO, false).check(ExistingWorkspace.open(created.root()), "service-1");
    }

    @Test
    void aKeystoreThatDoesNotOpenOutsideARenewalIsAnErrorAndChangesNothing() throws Exception {
        Workspace created = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        String keyStore = created.keyStore("service-1");
        Files.write(created.file(keyStore), new byte[] {1, 2, 3});
        byte[] passwords = readFile(created.file("passwords.json"));
        ExistingWorkspace ws = ExistingWorkspace.open(created.root());

        MtlsException failure = assertThrows(MtlsException.class, () -> new ClientRenewal(new SecureRandom())
                .renew(ws, "service-1", WorkspaceIssuers.current(ws, "service-1", null, new SecureRandom())));

        assertTrue(failure.getMessage().contains(keyStore), failure.getMessage());
        assertArrayEquals(passwords, readFile(created.file("passwords.json")));
        assertFalse(failure.getMessage().contains(created.password(keyStore)));
    }

    @Test
    void anUnknownServiceIsRefused() throws Exception {
        Workspace created = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        ExistingWorkspace ws = ExistingWorkspace.open(created.root());
        CertificateIssuer ca = WorkspaceIssuers.current(ws, "service-1", null, new SecureRandom());

        MtlsException failure = assertThrows(MtlsException.class, () -> new ClientRenewal(new SecureRandom()).renew(ws, "service-9", ca));

        assertTrue(failure.getMessage().contains("service 'service-9' is not in workspace"), failure.getMessage());
    }

    @Test
    void theLocalIssuerIsTheWorkspacesCaWithItsDecryptedKey() throws Exception {
        Workspace created = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        ExistingWorkspace ws = ExistingWorkspace.open(created.root());

        var ca = WorkspaceIssuers.local(ws, "service-2", new SecureRandom());

        assertEquals(Pem.certificate(created.file(Workspace.caCertificate("service-2"))), ca.rootCertificate());
        assertTrue(dev.mtlscli.pki.KeyPairs.matches(ca.keyPair().getPrivate(), ca.rootCertificate().getPublicKey()));
        assertTrue(WorkspaceIssuers.isLocal(ws, "service-2"));
        assertEquals(java.util.Optional.empty(), ws.caArn("service-2"));

        Files.delete(created.file(Workspace.caKey("service-2")));
        MtlsException failure = assertThrows(MtlsException.class, () -> WorkspaceIssuers.current(ws, "service-2", null, new SecureRandom()));
        assertTrue(failure.getMessage().contains("no CA key ca/service-2/ca.key"), failure.getMessage());
    }

    private static String describe(java.security.PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            return "EC " + ec.getParams().getCurve().getField().getFieldSize();
        }
        return "RSA " + ((RSAPublicKey) key).getModulus().bitLength();
    }

    private static Map<String, byte[]> read(Workspace ws, String... files) {
        Map<String, byte[]> contents = new java.util.LinkedHashMap<>();
        for (String file : files) {
            contents.put(file, readFile(ws.file(file)));
        }
        return contents;
    }

    static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
