package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.layer.MaterialCheck;
import dev.mtlscli.pki.AcmPcaIssuer;
import dev.mtlscli.pki.CertificateIssuer;
import dev.mtlscli.spec.SpecOverrides;
import dev.mtlscli.spec.SpecReader;
import dev.mtlscli.spec.SpecResolver;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import dev.mtlscli.workspace.ClientRenewal.RenewedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.acmpca.AcmPcaClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workspaces issued by ACM Private CA (the fake, which really signs CSRs, reached by the real SDK
 * client): the CA's ARN is recorded, renewal issues through it, and a CA rollover is refused.
 */
class AcmPcaWorkspaceTest {
    private static final String CLIENT_TEMPLATE = "arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1";

    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static AcmPcaClient acmPca;
    private static String caArn;

    @BeforeAll
    static void start() {
        aws = FakeAws.start();
        acmPca = AcmPcaClient.builder().endpointOverride(aws.endpoint()).region(Region.of(aws.region()))
                .credentialsProvider(FakeAwsCli.credentials()).httpClient(UrlConnectionHttpClient.create()).build();
        caArn = aws.acmPca().createRootCa("EC_prime256v1", "mtls-cli renewal test CA");
    }

    @AfterAll
    static void stop() {
        acmPca.close();
        aws.close();
    }

    @Test
    void theWorkspaceRecordsTheCaArnAndRenewsThroughIt() throws Exception {
        Path out = temp.resolve("ws-recorded");
        CreateResult created = new CertsCreator(new SecureRandom(), new AcmPcaCaSource(AcmPcaIssuer.connect(acmPca, caArn), caArn))
                .create(SpecResolver.resolve(SpecReader.demo(), SpecOverrides.NONE), out, false, PasswordFile.empty());

        for (String service : Workspace.DEMO_SERVICES) {
            String file = "ca/" + service + "/acm-pca-arn";
            assertTrue(created.files().contains(new WrittenFile(file, FileRole.CA_ARN, service)), created.files().toString());
            assertEquals(caArn + "\n", Files.readString(out.resolve(file)));
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(file))));
            assertFalse(Files.exists(out.resolve("ca/" + service + "/ca.key")));
        }
        assertEquals("ca-arn", FileRole.CA_ARN.id());
        ExistingWorkspace ws = ExistingWorkspace.open(out);
        assertEquals(Optional.of(caArn), ws.caArn("service-1"));
        assertFalse(WorkspaceIssuers.isLocal(ws, "service-1"));

        AtomicInteger clientsAskedFor = new AtomicInteger();
        CertificateIssuer issuer = WorkspaceIssuers.current(ws, "service-1", () -> {
            clientsAskedFor.incrementAndGet();
            return acmPca;
        }, new SecureRandom());
        assertInstanceOf(AcmPcaIssuer.class, issuer);
        assertEquals(1, clientsAskedFor.get());
        assertEquals(aws.acmPca().caCertificate(caArn), issuer.rootCertificate());
        MtlsException noClient = assertThrows(MtlsException.class, () -> WorkspaceIssuers.current(ws, "service-1", null, new SecureRandom()));
        assertTrue(noClient.getMessage().contains(caArn), noClient.getMessage());
        assertThrows(MtlsException.class, () -> WorkspaceIssuers.local(ws, "service-1", new SecureRandom()));

        Workspace before = Workspace.open(out, "pkcs12");
        X509Certificate previous = (X509Certificate) before.loadKeyStore("service-1").getCertificate("service-1");
        aws.clearRequests();
        RenewedClient renewed = new ClientRenewal(new SecureRandom()).renew(ws, "service-1", issuer);

        List<RecordedRequest> issues = aws.requests("IssueCertificate");
        assertEquals(1, issues.size());
        assertEquals(caArn, issues.get(0).json().get("CertificateAuthorityArn"));
        assertEquals(CLIENT_TEMPLATE, issues.get(0).json().get("TemplateArn"));
        assertEquals(365L, ((Number) ((Map<?, ?>) issues.get(0).json().get("Validity")).get("Value")).longValue());
        assertIssuedAndInPlace(before, previous, renewed, "service-1");

        MtlsException refused = assertThrows(MtlsException.class, () -> new CaRollover(new SecureRandom()).prepare(ws, "service-1"));
        assertTrue(refused.getMessage().contains("ACM Private CA " + caArn), refused.getMessage());
        assertTrue(refused.getMessage().contains("rolled over in ACM Private CA itself"), refused.getMessage());
        assertFalse(Files.exists(out.resolve("ca/service-1/next")));
    }

    @Test
    void aWorkspaceOfCertsCreateAcmPcaRenewsThroughTheFakeAndRefusesACaRollover() throws Exception {
        Path out = temp.resolve("ws-cli");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "acm-pca", "--ca-arn", caArn, "--out", out.toString());
        Workspace before = Workspace.open(out, "pkcs12");
        ExistingWorkspace ws = ExistingWorkspace.open(out);
        X509Certificate previous = (X509Certificate) before.loadKeyStore("service-2").getCertificate("service-2");

        RenewedClient renewed = new ClientRenewal(new SecureRandom()).renew(ws, "service-2", AcmPcaIssuer.connect(acmPca, caArn));

        assertIssuedAndInPlace(before, previous, renewed, "service-2");
        CaRollover rollover = new CaRollover(new SecureRandom());
        for (String service : Workspace.DEMO_SERVICES) {
            MtlsException refused = assertThrows(MtlsException.class, () -> rollover.prepare(ws, service));
            assertTrue(refused.getMessage().contains("mtls-cli rolls over local CAs only"), refused.getMessage());
            assertThrows(MtlsException.class, () -> rollover.issueFromNext(ws, service));
            assertThrows(MtlsException.class, () -> rollover.complete(ws, service));
            assertEquals(CaRollover.State.NONE, rollover.state(ws, service));
        }
    }

    private static void assertIssuedAndInPlace(Workspace before, X509Certificate previous, RenewedClient renewed, String service)
            throws Exception {
        Workspace after = Workspace.open(before.root(), "pkcs12");
        X509Certificate current = (X509Certificate) after.loadKeyStore(service).getCertificate(service);
        assertEquals(current, renewed.current());
        assertEquals(previous, renewed.previous());
        assertNotEquals(renewed.previous(), current);
        assertEquals(renewed.previous().getSubjectX500Principal(), current.getSubjectX500Principal());
        assertNotEquals(before.password(before.keyStore(service)), after.password(after.keyStore(service)));
        Path pem = temp.resolve(service + "-" + before.root().getFileName() + ".pem");
        Files.writeString(pem, Pem.encode(current));
        Tool.openssl("verify", "-x509_strict", "-purpose", "sslclient",
                "-CAfile", after.file(Workspace.caCertificate(service)).toString(), pem.toString()).runOk();
        for (String any : Workspace.DEMO_SERVICES) {
            new MaterialCheck(Instant.now(), Duration.ZERO, false).check(ExistingWorkspace.open(before.root()), any);
        }
    }
}
