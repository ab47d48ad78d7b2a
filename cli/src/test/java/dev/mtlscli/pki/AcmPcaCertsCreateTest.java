package dev.mtlscli.pki;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tls;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `certs create --ca acm-pca` against the fake ACM Private CA, which really signs the CSRs: the
 * workspace has the same shape as with a local CA (without a CA key), openssl verifies what was
 * issued against the fake CA's certificate, and the stores work against nginx.
 */
class AcmPcaCertsCreateTest {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static String caArn;
    private static Workspace ws;
    private static Path spec;
    /** What the first run sent, kept before other tests add their own requests. */
    private static List<RecordedRequest> issued;
    private static int polls;

    @BeforeAll
    static void issue() {
        aws = FakeAws.start();
        caArn = aws.acmPca().createRootCa("EC_prime256v1", "mtls-cli test private CA");
        spec = Workspace.writeLocalhostSpec(temp.resolve("mtls.json"));
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "acm-pca", "--ca-arn", caArn, "--spec", spec.toString(),
                "--out", temp.resolve("ws").toString());
        ws = Workspace.open(temp.resolve("ws"), "pkcs12");
        issued = aws.requests("IssueCertificate");
        polls = aws.requests("GetCertificate").size();
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void theWorkspaceHasTheLocalShapeWithoutAnyCaKey() throws Exception {
        X509Certificate ca = aws.acmPca().caCertificate(caArn);
        for (String service : Workspace.DEMO_SERVICES) {
            assertFalse(Files.exists(ws.file(Workspace.caKey(service))), "the private CA's key never leaves AWS");
            assertEquals(List.of(ca), Pem.certificates(ws.file(Workspace.caCertificate(service))));
            assertEquals(List.of(ca), Pem.certificates(ws.file(Workspace.clientCa(service))));
            assertTrue(ws.loadTrustStore(service).getCertificate(service + "-ca").equals(ca), "the truststore trusts the private CA");
        }
        assertTrue(ws.passwords().keySet().stream().noneMatch(key -> key.endsWith("ca.key")), ws.passwords().keySet().toString());
    }

    @Test
    void opensslVerifiesTheIssuedCertificatesAgainstTheFakeCa() throws Exception {
        Path caFile = ws.file(Workspace.caCertificate("service-1"));
        for (String service : Workspace.DEMO_SERVICES) {
            Path server = ws.file(Workspace.serverCertificate(service));
            Tool.openssl("verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", caFile.toString(), server.toString()).runOk();

            X509Certificate client = (X509Certificate) ws.loadKeyStore(service).getCertificate(service);
            Path clientFile = temp.resolve(service + "-client.pem");
            Files.writeString(clientFile, Pem.encode(client));
            Tool.openssl("verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", caFile.toString(), clientFile.toString()).runOk();
            assertEquals(List.of(CLIENT_AUTH), client.getExtendedKeyUsage());
            assertEquals(List.of(SERVER_AUTH), Pem.certificate(server).getExtendedKeyUsage());
            long days = Duration.between(client.getNotBefore().toInstant(), client.getNotAfter().toInstant()).toDays();
            assertTrue(days >= 365 && days <= 366, "365 days asked for, got " + days);
        }
    }

    @Test
    void eachLeafIsAskedForWithTheTemplateOfItsProfileAndTheCasSigningAlgorithm() {
        List<RecordedRequest> issues = issued;
        assertEquals(4, issues.size(), "a server and a client certificate per service");
        for (RecordedRequest issue : issues) {
            assertEquals(caArn, issue.json().get("CertificateAuthorityArn"));
            assertEquals("SHA256WITHECDSA", issue.json().get("SigningAlgorithm"));
            assertTrue(String.valueOf(issue.json().get("IdempotencyToken")).matches("[0-9a-f]{32}"), issue.body());
            assertEquals("DAYS", ((java.util.Map<?, ?>) issue.json().get("Validity")).get("Type"));
        }
        assertEquals(2, issues.stream().filter(r -> String.valueOf(r.json().get("TemplateArn"))
                .equals("arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1")).count());
        assertEquals(2, issues.stream().filter(r -> String.valueOf(r.json().get("TemplateArn"))
                .equals("arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1")).count());
        assertTrue(polls >= 8, "the waiter polled until each was issued (the fake answers RequestInProgress once): " + polls);
    }

    @Test
    void theStoresWorkAgainstNginxLikeLocalOnes() throws Exception {
        Tool.require("nginx");
        try (NginxBackends nginx = NginxBackends.start(temp.resolve("nginx"), List.of(
                NginxBackends.demoBackend("service-1", ws, "service-1")))) {
            SSLContext context = Tls.context(ws.loadKeyStore("service-1"), ws.password(ws.keyStore("service-1")).toCharArray(),
                    ws.loadTrustStore("service-1"));
            HttpResponse<String> response = Tls.get(Tls.client(context), nginx.uri("service-1").toString());
            assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
            assertEquals("{\"hello\": \"from backend service 1\"}", response.body());
        }
    }

    @Test
    void anRsaCaSignsWithRsaAndASubordinateCaGivesAChainUpToTheRoot() throws Exception {
        String root = aws.acmPca().createRootCa("RSA_2048", "mtls-cli test RSA root");
        String subordinate = aws.acmPca().createSubordinateCa(root, "RSA_2048", "mtls-cli test issuing CA");
        aws.clearRequests();
        Path out = temp.resolve("ws-subordinate");

        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "acm-pca", "--ca-arn", subordinate, "--spec", spec.toString(),
                "--out", out.toString());

        Workspace sub = Workspace.open(out, "pkcs12");
        assertEquals("SHA256WITHRSA", aws.requests("IssueCertificate").get(0).json().get("SigningAlgorithm"));
        List<X509Certificate> caChain = Pem.certificates(sub.file(Workspace.caCertificate("service-1")));
        assertEquals(List.of(aws.acmPca().caCertificate(subordinate), aws.acmPca().caCertificate(root)), caChain);
        assertEquals(aws.acmPca().caCertificate(root), sub.loadTrustStore("service-1").getCertificate("service-1-ca"),
                "the truststore holds the root the chains end at");
        Path rootFile = temp.resolve("rsa-root.pem");
        Files.writeString(rootFile, Pem.encode(aws.acmPca().caCertificate(root)));
        Path subFile = temp.resolve("rsa-sub.pem");
        Files.writeString(subFile, Pem.encode(aws.acmPca().caCertificate(subordinate)));
        Tool.openssl("verify", "-x509_strict", "-CAfile", rootFile.toString(), "-untrusted", subFile.toString(),
                sub.file(Workspace.serverCertificate("service-1")).toString()).runOk();

        Tool.require("nginx");
        try (NginxBackends nginx = NginxBackends.start(temp.resolve("nginx-sub"), List.of(
                NginxBackends.demoBackend("service-2", sub, "service-2")))) {
            SSLContext context = Tls.context(sub.loadKeyStore("service-2"), sub.password(sub.keyStore("service-2")).toCharArray(),
                    sub.loadTrustStore("service-2"));
            HttpResponse<String> response = Tls.get(Tls.client(context), nginx.uri("service-2").toString());
            assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
        }
    }

    @Test
    void aDisabledCaIsOneClearLineAndWritesNothing() {
        String disabled = aws.acmPca().createRootCa("EC_prime256v1", "mtls-cli disabled CA");
        aws.acmPca().setStatus(disabled, "DISABLED");
        Path out = temp.resolve("ws-disabled");

        Cli.Result result = FakeAwsCli.run(aws, "certs", "create", "--ca", "acm-pca", "--ca-arn", disabled, "--out", out.toString());

        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("is DISABLED, not ACTIVE"), result.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void dryRunPrintsTheIssuanceCallsAndCallsNothing() {
        aws.clearRequests();
        Path out = temp.resolve("ws-dry");

        Cli.Result result = FakeAwsCli.runOk(aws, "certs", "create", "--ca", "acm-pca", "--ca-arn", caArn, "--dry-run",
                "--out", out.toString());

        assertEquals(List.of(), aws.requests());
        assertFalse(Files.exists(out));
        assertTrue(result.out().contains("acm-pca DescribeCertificateAuthority " + caArn), result.out());
        assertTrue(result.out().contains("template EndEntityClientAuthCertificate/V1"), result.out());
    }

    @Test
    void theWorkspacePublishesAsALayer() {
        FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", ws.root().toString(), "--service", "service-1");

        assertEquals(1, aws.requests("PublishLayerVersion").stream().filter(RecordedRequest::succeeded).count());
    }
}
