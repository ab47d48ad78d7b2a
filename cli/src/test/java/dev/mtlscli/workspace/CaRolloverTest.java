package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.layer.MaterialCheck;
import dev.mtlscli.pki.CertificateProfile;
import dev.mtlscli.pki.KeyAlgorithm;
import dev.mtlscli.pki.KeyPairs;
import dev.mtlscli.pki.LeafRequest;
import dev.mtlscli.pki.LocalCertificateAuthority;
import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tls;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import dev.mtlscli.workspace.CaRollover.State;
import dev.mtlscli.workspace.CaRollover.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The CA rollover of DESIGN.md decision 7 on a workspace written by `certs create`: the files of
 * each step, their idempotency, and the overlap against a real nginx (ssl_verify_client on, the
 * client-CA bundle of the workspace) with JDK clients holding old and new stores.
 */
class CaRolloverTest {
    private static final String S1 = "service-1";

    @TempDir
    Path temp;

    private final CaRollover rollover = new CaRollover(new SecureRandom());

    @Test
    void bothCasAreTrustedFromPrepareToCompleteAgainstARealNginx() throws Exception {
        Tool.require("nginx");
        Path spec = Workspace.writeLocalhostSpec(temp.resolve("mtls.json"));
        Workspace created = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", spec);
        Path root = created.root();
        X509Certificate oldCa = Pem.certificate(created.file(Workspace.caCertificate(S1)));
        KeyStore originalTrustStore = created.loadTrustStore(S1);
        byte[] serviceTwoTrustStore = Files.readAllBytes(created.file(created.trustStore("service-2")));
        KeyStore oldIdentity = created.loadKeyStore(S1);
        char[] oldIdentityPassword = created.password(created.keyStore(S1)).toCharArray();
        Map<String, byte[]> service2 = snapshot(root, "clients/service-2", "servers/service-2", "ca/service-2");
        assertEquals(State.NONE, rollover.state(open(root), S1));

        // 1. prepare
        Step prepared = rollover.prepare(open(root), S1);

        assertEquals(State.PREPARED, prepared.state());
        assertEquals(State.PREPARED, rollover.state(open(root), S1));
        X509Certificate nextCa = Pem.certificate(created.file(WorkspaceLayout.nextCaCertificate(S1)));
        assertEquals(oldCa, prepared.oldCa());
        assertEquals(nextCa, prepared.newCa());
        assertNotEquals(oldCa, nextCa);
        assertEquals("CN=service-1 Root CA G2,O=mtls-cli test", nextCa.getSubjectX500Principal().getName());
        assertEquals(KeyAlgorithm.EC_P256, KeyAlgorithm.of(nextCa.getPublicKey()));
        assertEquals(0, nextCa.getBasicConstraints(), "a CA with pathlen 0 like the first");
        assertEquals(3650, Duration.between(nextCa.getNotBefore().toInstant(), nextCa.getNotAfter().toInstant()).toDays());
        assertEquals(List.of(oldCa, nextCa), Pem.certificates(created.file(Workspace.clientCa(S1))), "the bundle holds both CAs");
        Workspace afterPrepare = Workspace.open(root, "pkcs12");
        KeyStore preparedTrustStore = afterPrepare.loadTrustStore(S1);
        assertEquals(Map.of("service-1-ca", oldCa, "service-1-ca-next", nextCa), entries(preparedTrustStore),
                "service-1's truststore trusts its current and its next CA, and no other service's");
        assertEquals(Map.of("service-1-ca", originalTrustStore.getCertificate("service-1-ca")), entries(originalTrustStore));
        assertArrayEquals(serviceTwoTrustStore, Files.readAllBytes(created.file(created.trustStore("service-2"))),
                "service-2's truststore is not touched by service-1's rollover");
        assertEquals(oldIdentity.getCertificate(S1), afterPrepare.loadKeyStore(S1).getCertificate(S1), "no client issued yet");
        assertEquals(oldCa, Pem.certificate(created.file(Workspace.caCertificate(S1))));
        assertEquals("rwx------", mode(created.file("ca/service-1/next")));
        assertEquals("rw-------", mode(created.file(WorkspaceLayout.nextCaKey(S1))));
        String nextKeyPassword = afterPrepare.password(WorkspaceLayout.nextCaKey(S1));
        assertTrue(Files.readString(created.file(WorkspaceLayout.nextCaKey(S1))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        Tool.openssl("pkey", "-in", created.file(WorkspaceLayout.nextCaKey(S1)).toString(), "-passin", "env:PW", "-noout")
                .env("PW", nextKeyPassword).runOk();
        assertEquals(service2, snapshot(root, "clients/service-2", "servers/service-2", "ca/service-2"));
        materialCheckPasses(root);

        Map<String, byte[]> preparedFiles = snapshot(root, "");
        Step again = rollover.prepare(open(root), S1);
        assertEquals(List.of(), again.written(), "a second prepare finds its work done");
        assertEquals(nextCa, again.newCa(), "and reuses the next CA");
        assertEquals(preparedFiles, snapshot(root, ""), "not one byte changes");

        // the backend with the bundle of both CAs and its old server certificate
        LocalCertificateAuthority nextAuthority = WorkspaceIssuers.load(open(root), WorkspaceLayout.nextCaCertificate(S1),
                WorkspaceLayout.nextCaKey(S1), new SecureRandom());
        KeyStore nextClient = identity(nextAuthority, "CN=a client of the next CA");
        try (NginxBackends nginx = start(created, "prepared")) {
            assertHello(nginx, "prepared", Tls.context(oldIdentity, oldIdentityPassword, preparedTrustStore));
            assertHello(nginx, "prepared", Tls.context(nextClient, "changeit".toCharArray(), preparedTrustStore));
        }

        // 2. issue from the next CA
        Step issued = rollover.issueFromNext(open(root), S1);

        assertEquals(State.ISSUED_FROM_NEXT, issued.state());
        assertEquals(State.ISSUED_FROM_NEXT, rollover.state(open(root), S1));
        assertEquals(oldCa, issued.oldCa());
        assertEquals(nextCa, issued.newCa());
        Workspace afterIssue = Workspace.open(root, "pkcs12");
        X509Certificate newClient = (X509Certificate) afterIssue.loadKeyStore(S1).getCertificate(S1);
        assertEquals(newClient, issued.client().orElseThrow().current());
        assertEquals(oldIdentity.getCertificate(S1), issued.client().orElseThrow().previous());
        assertNotEquals(created.password(created.keyStore(S1)), afterIssue.password(afterIssue.keyStore(S1)), "a new keystore password");
        assertEquals(nextCa.getSubjectX500Principal(), newClient.getIssuerX500Principal());
        X509Certificate newServer = Pem.certificate(created.file(Workspace.serverCertificate(S1)));
        assertEquals(List.of(newServer, nextCa), Pem.certificates(created.file(Workspace.serverChain(S1))));
        assertEquals(certificate(preparedFiles, Workspace.serverCertificate(S1)).getSubjectX500Principal(),
                newServer.getSubjectX500Principal());
        assertEquals(List.copyOf(certificate(preparedFiles, Workspace.serverCertificate(S1)).getSubjectAlternativeNames()),
                List.copyOf(newServer.getSubjectAlternativeNames()));
        Path newClientFile = temp.resolve("new-client.pem");
        Files.writeString(newClientFile, Pem.encode(newClient));
        Path nextCaFile = temp.resolve("next-ca.pem");
        Files.writeString(nextCaFile, Pem.encode(nextCa));
        Tool.openssl("verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", nextCaFile.toString(), newClientFile.toString()).runOk();
        Tool.openssl("verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", nextCaFile.toString(),
                created.file(Workspace.serverCertificate(S1)).toString()).runOk();
        Path oldCaFile = temp.resolve("old-ca.pem");
        Files.writeString(oldCaFile, Pem.encode(oldCa));
        assertNotEquals(0, Tool.openssl("verify", "-CAfile", oldCaFile.toString(), newClientFile.toString()).run().exitCode(),
                "the old CA does not verify the new client certificate");
        Tool.openssl("pkey", "-in", created.file(Workspace.serverKey(S1)).toString(), "-pubout", "-out",
                temp.resolve("server-key.pub").toString()).runOk();
        Tool.openssl("x509", "-in", created.file(Workspace.serverCertificate(S1)).toString(), "-pubkey", "-noout", "-out",
                temp.resolve("server-cert.pub").toString()).runOk();
        assertEquals(Files.readString(temp.resolve("server-cert.pub")), Files.readString(temp.resolve("server-key.pub")),
                "server.key is the key of server.crt");
        // the next CA is now the service's CA; the old one's certificate is kept while it is trusted, its key is gone
        assertEquals(nextCa, Pem.certificate(created.file(Workspace.caCertificate(S1))));
        assertEquals(oldCa, Pem.certificate(created.file(WorkspaceLayout.previousCaCertificate(S1))));
        assertFalse(Files.exists(created.file("ca/service-1/next")));
        assertFalse(Files.exists(created.file("ca/service-1/previous/ca.key")));
        assertTrue(KeyPairs.matches(dev.mtlscli.store.PemFiles.readEncryptedPrivateKey(created.file(Workspace.caKey(S1)),
                afterIssue.password(Workspace.caKey(S1)).toCharArray()), nextCa.getPublicKey()));
        assertNotEquals(nextKeyPassword, afterIssue.password(Workspace.caKey(S1)), "the moved key has a password of its own");
        assertFalse(afterIssue.passwords().containsKey(WorkspaceLayout.nextCaKey(S1)));
        assertEquals(List.of(oldCa, nextCa), Pem.certificates(created.file(Workspace.clientCa(S1))), "still both in the bundle");
        assertEquals(entries(preparedTrustStore), entries(afterIssue.loadTrustStore(S1)), "still both in the truststore");
        assertEquals(service2, snapshot(root, "clients/service-2", "servers/service-2", "ca/service-2"));
        materialCheckPasses(root);

        Map<String, byte[]> issuedFiles = snapshot(root, "");
        Step issuedAgain = rollover.issueFromNext(open(root), S1);
        assertEquals(List.of(), issuedAgain.written());
        assertTrue(issuedAgain.client().isEmpty());
        assertEquals(issuedFiles, snapshot(root, ""), "issuing again issues nothing");

        // the backend with its new server certificate, still accepting both client CAs
        KeyStore newIdentity = afterIssue.loadKeyStore(S1);
        char[] newIdentityPassword = afterIssue.password(afterIssue.keyStore(S1)).toCharArray();
        try (NginxBackends nginx = start(created, "issued")) {
            HttpResponse<String> response = assertHello(nginx, "issued", Tls.context(newIdentity, newIdentityPassword, afterIssue.loadTrustStore(S1)));
            assertEquals(newServer, response.sslSession().orElseThrow().getPeerCertificates()[0]);
            // a function still on the layer published after prepare: old identity, truststore of both
            assertHello(nginx, "issued", Tls.context(oldIdentity, oldIdentityPassword, preparedTrustStore));
            // one still on a layer from before prepare would not trust the new server: why prepare comes first
            IOException failure = assertThrows(IOException.class,
                    () -> Tls.get(Tls.client(Tls.context(oldIdentity, oldIdentityPassword, originalTrustStore)), nginx.uri("issued").toString()));
            assertHandshakeFailure(failure);
        }

        // 3. complete
        Step completed = rollover.complete(open(root), S1);

        assertEquals(State.NONE, completed.state());
        assertEquals(State.NONE, rollover.state(open(root), S1));
        assertEquals(oldCa, completed.oldCa());
        assertEquals(nextCa, completed.newCa());
        Workspace afterComplete = Workspace.open(root, "pkcs12");
        assertEquals(List.of(nextCa), Pem.certificates(created.file(Workspace.clientCa(S1))), "the bundle holds only the new CA");
        assertEquals(Map.of("service-1-ca", nextCa), entries(afterComplete.loadTrustStore(S1)));
        assertEquals(List.of("ca.crt", "ca.key"), list(created.file("ca/service-1")), "no next/, no previous/");
        assertEquals(created.passwords().keySet(), afterComplete.passwords().keySet(), "the same password entries as at the start");
        assertEquals(issuedFiles.get(created.keyStore(S1)).length, Files.size(created.file(created.keyStore(S1))));
        assertArrayEquals(issuedFiles.get(created.keyStore(S1)), Files.readAllBytes(created.file(created.keyStore(S1))),
                "complete issues nothing");
        assertEquals(service2, snapshot(root, "clients/service-2", "servers/service-2", "ca/service-2"));
        materialCheckPasses(root);

        Map<String, byte[]> completedFiles = snapshot(root, "");
        Step completedAgain = rollover.complete(open(root), S1);
        assertEquals(List.of(), completedAgain.written());
        assertEquals(completedFiles, snapshot(root, ""));

        try (NginxBackends nginx = start(created, "completed")) {
            assertHello(nginx, "completed", Tls.context(newIdentity, newIdentityPassword, afterComplete.loadTrustStore(S1)));
            SSLContext old = Tls.contextAlwaysPresenting(oldIdentity, oldIdentityPassword, S1, preparedTrustStore);
            HttpResponse<String> refused = Tls.get(Tls.client(old), nginx.uri("completed").toString());
            assertEquals(400, refused.statusCode(), refused::body);
            assertTrue(refused.body().contains("The SSL certificate error"), refused::body);
        }
    }

    @Test
    void stepsOutOfOrderAreRefusedAndChangeNothing() throws Exception {
        Workspace created = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        Path root = created.root();
        Map<String, byte[]> start = snapshot(root, "");

        MtlsException notPrepared = assertThrows(MtlsException.class, () -> rollover.issueFromNext(open(root), S1));
        assertTrue(notPrepared.getMessage().contains("no CA rollover is prepared"), notPrepared.getMessage());
        Step nothing = rollover.complete(open(root), S1);
        assertEquals(List.of(), nothing.written());
        assertEquals(State.NONE, nothing.state());
        assertEquals(start, snapshot(root, ""));

        rollover.prepare(open(root), S1);
        Map<String, byte[]> prepared = snapshot(root, "");
        MtlsException stillOld = assertThrows(MtlsException.class, () -> rollover.complete(open(root), S1));
        assertTrue(stillOld.getMessage().contains("still come from the old CA"), stillOld.getMessage());
        assertEquals(prepared, snapshot(root, ""));

        rollover.issueFromNext(open(root), S1);
        Map<String, byte[]> issued = snapshot(root, "");
        MtlsException notComplete = assertThrows(MtlsException.class, () -> rollover.prepare(open(root), S1));
        assertTrue(notComplete.getMessage().contains("complete it before preparing another"), notComplete.getMessage());
        assertEquals(issued, snapshot(root, ""));
        MtlsException unknown = assertThrows(MtlsException.class, () -> rollover.prepare(open(root), "service-9"));
        assertTrue(unknown.getMessage().contains("service 'service-9' is not in workspace"), unknown.getMessage());
    }

    @Test
    void aPrepareCutOffBeforeTheBundleAndTruststoreIsFinishedWithTheSameNextCa() throws Exception {
        Workspace created = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        Path root = created.root();
        byte[] bundle = Files.readAllBytes(created.file(Workspace.clientCa(S1)));
        byte[] trustStore = Files.readAllBytes(created.file(created.trustStore(S1)));
        Step first = rollover.prepare(open(root), S1);
        // as if the run had stopped after writing ca/service-1/next/: the bundle and truststore are the old ones
        Files.write(created.file(Workspace.clientCa(S1)), bundle);
        Files.write(created.file(created.trustStore(S1)), trustStore);

        assertEquals(State.NONE, rollover.state(open(root), S1), "the backend does not trust the next CA yet");
        assertThrows(MtlsException.class, () -> rollover.issueFromNext(open(root), S1));

        Step resumed = rollover.prepare(open(root), S1);

        assertEquals(first.newCa(), resumed.newCa(), "the next CA is reused, not a second one made");
        assertEquals(List.of(Workspace.clientCa(S1), created.trustStore(S1)), resumed.written());
        assertEquals(List.of(first.oldCa(), first.newCa()), Pem.certificates(created.file(Workspace.clientCa(S1))));
        assertEquals(State.PREPARED, rollover.state(open(root), S1));
        materialCheckPasses(root);
    }

    @Test
    void anIssueCutOffAfterTheClientRenewalIssuesOnlyWhatIsMissing() throws Exception {
        Workspace created = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        Path root = created.root();
        rollover.prepare(open(root), S1);
        ExistingWorkspace ws = open(root);
        // what issueFromNext does first, then the run stops
        new ClientRenewal(new SecureRandom()).renew(ws, S1, WorkspaceIssuers.load(ws, WorkspaceLayout.nextCaCertificate(S1),
                WorkspaceLayout.nextCaKey(S1), new SecureRandom()));
        byte[] keyStore = Files.readAllBytes(created.file(created.keyStore(S1)));
        byte[] serverKey = Files.readAllBytes(created.file(Workspace.serverKey(S1)));
        assertEquals(State.PREPARED, rollover.state(open(root), S1));

        Step issued = rollover.issueFromNext(open(root), S1);

        assertTrue(issued.client().isEmpty(), "the client identity from the next CA is kept");
        assertArrayEquals(keyStore, Files.readAllBytes(created.file(created.keyStore(S1))));
        assertFalse(java.util.Arrays.equals(serverKey, Files.readAllBytes(created.file(Workspace.serverKey(S1)))), "a new server key");
        assertTrue(issued.written().containsAll(List.of(Workspace.serverKey(S1), Workspace.serverCertificate(S1),
                Workspace.serverChain(S1), Workspace.caCertificate(S1), Workspace.caKey(S1))), issued.written().toString());
        assertEquals(State.ISSUED_FROM_NEXT, rollover.state(open(root), S1));
        materialCheckPasses(root);
    }

    @Test
    void aSecondRolloverMakesGenerationThreeAndLeavesNothingBehindWithJks() throws Exception {
        Workspace created = Workspace.create(temp.resolve("ws"), "ec-p384", "jks", null);
        Path root = created.root();
        List<String> subjects = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            Step prepared = rollover.prepare(open(root), "service-2");
            subjects.add(prepared.newCa().getSubjectX500Principal().getName());
            assertEquals(KeyAlgorithm.EC_P384, KeyAlgorithm.of(prepared.newCa().getPublicKey()));
            materialCheckPasses(root);
            rollover.issueFromNext(open(root), "service-2");
            materialCheckPasses(root);
            rollover.complete(open(root), "service-2");
            materialCheckPasses(root);
        }

        assertEquals(List.of("CN=service-2 Root CA G2,O=mtls-cli demo", "CN=service-2 Root CA G3,O=mtls-cli demo"), subjects);
        Workspace after = Workspace.open(root, "jks");
        X509Certificate ca = Pem.certificate(created.file(Workspace.caCertificate("service-2")));
        assertEquals("CN=service-2 Root CA G3,O=mtls-cli demo", ca.getSubjectX500Principal().getName());
        assertEquals(List.of(ca), Pem.certificates(created.file(Workspace.clientCa("service-2"))));
        assertEquals(Map.of("service-2-ca", ca), entries(after.loadTrustStore("service-2")));
        assertEquals(Map.of("service-1-ca", Pem.certificate(created.file(Workspace.caCertificate(S1)))),
                entries(after.loadTrustStore(S1)));
        assertEquals(created.passwords().keySet(), after.passwords().keySet());
        assertEquals(List.of("ca.crt", "ca.key"), list(created.file("ca/service-2")));
        assertEquals(List.of(), Files.list(root.resolve("clients/service-2")).map(p -> p.getFileName().toString())
                .filter(name -> !name.equals("keystore.jks") && !name.equals("truststore.jks")).toList());
        X509Certificate client = (X509Certificate) after.loadKeyStore("service-2").getCertificate("service-2");
        assertEquals(ca.getSubjectX500Principal(), client.getIssuerX500Principal());
        client.verify(ca.getPublicKey());
        assertEquals(State.NONE, rollover.state(open(root), "service-2"));
    }

    @Test
    void theNextGenerationsSubject() {
        assertEquals("CN=service-1 Root CA G2,O=Example", nextOf("CN=service-1 Root CA,O=Example"));
        assertEquals("CN=service-1 Root CA G3,O=Example", nextOf("CN=service-1 Root CA G2,O=Example"));
        assertEquals("CN=Root G10,OU=ops,O=Example", nextOf("CN=Root G9,OU=ops,O=Example"));
        assertEquals("CN=no common name G2,OU=no common name,O=Example", nextOf("OU=no common name,O=Example"),
                "a CA without a commonName (the AWS sample's) gets one, so that the two generations differ");
        assertEquals("CN=CA G3,OU=CA,O=Root CA Inc.,C=US", nextOf(nextOf("OU=CA,O=Root CA Inc.,C=US")));
        String longName = "x".repeat(64);
        String next = nextOf("CN=" + longName);
        assertEquals("CN=" + "x".repeat(61) + " G2", next, "shortened to stay within the 64 characters of a commonName");
        assertEquals("CN=a\\,b G2,O=Example", nextOf("CN=a\\,b,O=Example"), "escaping survives");
    }

    private static String nextOf(String subject) {
        LocalCertificateAuthority ca = LocalCertificateAuthority.createRoot(subject, KeyAlgorithm.EC_P256, 10, Instant.now(),
                new SecureRandom());
        String next = CertificateFacts.nextGeneration(ca.rootCertificate());
        // the subject string is one that specs and createRoot accept, and it names what it says
        LocalCertificateAuthority successor = LocalCertificateAuthority.createRoot(next, KeyAlgorithm.EC_P256, 10, Instant.now(),
                new SecureRandom());
        assertEquals(next, successor.rootCertificate().getSubjectX500Principal().getName());
        return next;
    }

    private static ExistingWorkspace open(Path root) {
        return ExistingWorkspace.open(root);
    }

    private static void materialCheckPasses(Path root) {
        for (String service : Workspace.DEMO_SERVICES) {
            new MaterialCheck(Instant.now(), Duration.ZERO, false).check(ExistingWorkspace.open(root), service);
        }
    }

    private static NginxBackends start(Workspace ws, String name) {
        return NginxBackends.start(ws.root().getParent().resolve("nginx-" + name),
                List.of(NginxBackends.demoBackend(name, ws, S1)));
    }

    private static HttpResponse<String> assertHello(NginxBackends nginx, String backend, SSLContext context) throws Exception {
        HttpResponse<String> response = Tls.get(Tls.client(context), nginx.uri(backend).toString());
        assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
        assertEquals("{\"hello\": \"from backend service 1\"}", response.body());
        return response;
    }

    private static X509Certificate certificate(Map<String, byte[]> files, String file) {
        return Pem.certificates(new String(files.get(file), java.nio.charset.StandardCharsets.US_ASCII)).get(0);
    }

    /** A client identity issued by the CA, in a PKCS12 KeyStore with the password "changeit". */
    private static KeyStore identity(LocalCertificateAuthority ca, String subject) throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate(new SecureRandom());
        List<X509Certificate> chain = ca.issue(new LeafRequest(subject, CertificateProfile.CLIENT, keys, 1, List.of(), List.of()));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", keys.getPrivate(), "changeit".toCharArray(), chain.toArray(Certificate[]::new));
        return store;
    }

    private static Map<String, Certificate> entries(KeyStore store) throws Exception {
        Map<String, Certificate> entries = new TreeMap<>();
        for (String alias : Collections.list(store.aliases())) {
            assertFalse(store.isKeyEntry(alias), alias + " is a key entry in a truststore");
            entries.put(alias, store.getCertificate(alias));
        }
        return entries;
    }

    private static void assertHandshakeFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException && String.valueOf(t.getMessage()).contains("PKIX path")) {
                return;
            }
        }
        fail("expected a PKIX handshake failure, got " + failure);
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every file under root/sub (all of the workspace for ""), path to bytes. */
    static Map<String, byte[]> snapshot(Path root, String... subs) {
        Map<String, byte[]> files = new TreeMap<>();
        for (String sub : subs) {
            try (Stream<Path> paths = Files.walk(sub.isEmpty() ? root : root.resolve(sub))) {
                paths.filter(Files::isRegularFile).forEach(path -> {
                    try {
                        files.put(root.relativize(path).toString(), Files.readAllBytes(path));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new BytesMap(files);
    }

    /** A map of file contents whose equals compares the bytes, so assertEquals says which file differs. */
    private static final class BytesMap extends TreeMap<String, byte[]> {
        BytesMap(Map<String, byte[]> files) {
            super(files);
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Map<?, ?> map) || !map.keySet().equals(keySet())) {
                return false;
            }
            for (Map.Entry<String, byte[]> entry : entrySet()) {
                if (!(map.get(entry.getKey()) instanceof byte[] bytes) || !java.util.Arrays.equals(bytes, entry.getValue())) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return keySet().hashCode();
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("{");
            forEach((file, bytes) -> text.append(file).append(" sha256=").append(sha256(bytes)).append(", "));
            return text.append('}').toString();
        }

        private static String sha256(byte[] bytes) {
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes), 0, 6);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
