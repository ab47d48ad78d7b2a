package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.acmpca.AcmPcaClient;
import software.amazon.awssdk.services.acmpca.model.AcmPcaException;
import software.amazon.awssdk.services.acmpca.model.CertificateAuthority;
import software.amazon.awssdk.services.acmpca.model.CertificateAuthorityStatus;
import software.amazon.awssdk.services.acmpca.model.CertificateAuthorityType;
import software.amazon.awssdk.services.acmpca.model.GetCertificateAuthorityCertificateResponse;
import software.amazon.awssdk.services.acmpca.model.GetCertificateResponse;
import software.amazon.awssdk.services.acmpca.model.InvalidArgsException;
import software.amazon.awssdk.services.acmpca.model.InvalidArnException;
import software.amazon.awssdk.services.acmpca.model.InvalidStateException;
import software.amazon.awssdk.services.acmpca.model.IssueCertificateRequest;
import software.amazon.awssdk.services.acmpca.model.KeyAlgorithm;
import software.amazon.awssdk.services.acmpca.model.MalformedCsrException;
import software.amazon.awssdk.services.acmpca.model.RequestInProgressException;
import software.amazon.awssdk.services.acmpca.model.ResourceNotFoundException;
import software.amazon.awssdk.services.acmpca.model.ValidityPeriodType;
import software.amazon.awssdk.services.acmpca.waiters.AcmPcaWaiter;

/**
 * The real AcmPcaClient against the fake: certificates really signed by the CA (checked in Java
 * and by openssl), the template's extensions, readiness, idempotency, errors, SigV4 and faults.
 */
class AcmPcaWireTest {
    private static final String CLIENT_AUTH = "arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1";
    private static final String SERVER_AUTH = "arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1";
    private static final String EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path dir;

    private final SteppingClock clock = new SteppingClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private FakeAws aws;
    private AcmPcaClient pca;

    @BeforeEach
    void start() {
        aws = FakeAws.start(FakeAws.DEFAULT_REGION, clock);
        pca = client(FakeAws.SECRET_ACCESS_KEY);
    }

    @AfterEach
    void stop() {
        pca.close();
        aws.close();
    }

    private AcmPcaClient client(String secretAccessKey) {
        return AcmPcaClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(FakeAws.ACCESS_KEY_ID, secretAccessKey)))
                .region(Region.US_EAST_1)
                .endpointOverride(aws.endpoint())
                .build();
    }

    /** An IssueCertificate request for 30 days with the given template (null: the default). */
    private static IssueCertificateRequest.Builder request(String caArn, byte[] csr, String signingAlgorithm,
                                                           String templateArn) {
        return IssueCertificateRequest.builder()
                .certificateAuthorityArn(caArn)
                .csr(SdkBytes.fromByteArray(csr))
                .signingAlgorithm(signingAlgorithm)
                .templateArn(templateArn)
                .validity(v -> v.type(ValidityPeriodType.DAYS).value(30L));
    }

    private String issue(IssueCertificateRequest.Builder request) {
        return pca.issueCertificate(request.build()).certificateArn();
    }

    /** GetCertificate, expecting the one RequestInProgressException of the default readiness first. */
    private GetCertificateResponse getAfterOnePoll(String caArn, String certificateArn) {
        RequestInProgressException pending = assertThrows(RequestInProgressException.class,
                () -> pca.getCertificate(r -> r.certificateAuthorityArn(caArn).certificateArn(certificateArn)));
        assertEquals(400, pending.statusCode());
        return pca.getCertificate(r -> r.certificateAuthorityArn(caArn).certificateArn(certificateArn));
    }

    @Test
    void issuesAnEcClientCertificateSignedByTheCa() throws Exception {
        String ca = aws.acmPca().createRootCa("EC_prime256v1", "fake root");
        KeyPair key = PcaCsrs.ecKey();
        Instant issuedAt = clock.instant();

        String arn = issue(request(ca, PcaCsrs.csr(key, "CN=service-1,O=acme", "service-1.internal"),
                "SHA256WITHECDSA", CLIENT_AUTH));

        assertTrue(arn.matches(ca.replace(".", "\\.") + "/certificate/[0-9a-f]{32}"), arn);
        GetCertificateResponse got = getAfterOnePoll(ca, arn);
        X509Certificate leaf = certificate(got.certificate());
        X509Certificate caCertificate = aws.acmPca().caCertificate(ca);
        leaf.verify(caCertificate.getPublicKey());
        assertEquals(List.of(caCertificate), certificates(got.certificateChain()));
        assertEquals("SHA256withECDSA", leaf.getSigAlgName());
        assertEquals(new X500Principal(new X500Name("CN=service-1,O=acme").getEncoded()),
                leaf.getSubjectX500Principal(), "the CSR's subject, as encoded");
        assertEquals(caCertificate.getSubjectX500Principal(), leaf.getIssuerX500Principal());
        assertEquals(List.of(List.of(2, "service-1.internal")), List.copyOf(leaf.getSubjectAlternativeNames()));
        assertEquals(List.of(EKU_CLIENT_AUTH), leaf.getExtendedKeyUsage());
        assertEndEntityExtensions(leaf, caCertificate, key);
        assertEquals(issuedAt.plus(30, ChronoUnit.DAYS), leaf.getNotAfter().toInstant());
        assertEquals(issuedAt.minus(60, ChronoUnit.MINUTES), leaf.getNotBefore().toInstant());
        assertEquals(arn.substring(arn.lastIndexOf('/') + 1), String.format("%032x", leaf.getSerialNumber()));

        openssl(caCertificate, null, leaf, "sslclient").assertOk();
        openssl(caCertificate, null, leaf, "sslserver").assertFails();
    }

    @Test
    void misissuingAnswersOtherThanAskedForTestingClients() throws Exception {
        String ca = aws.acmPca().createRootCa("EC_prime256v1", "fake root");
        KeyPair key = PcaCsrs.ecKey();
        byte[] csr = PcaCsrs.csr(key, "CN=service-1,O=acme", "service-1.internal");
        Instant issuedAt = clock.instant();

        aws.acmPca().misissue(FakeAcmPca.Misissue.LONGER_VALIDITY);
        X509Certificate longer = certificate(getAfterOnePoll(ca, issue(request(ca, csr, "SHA256WITHECDSA", CLIENT_AUTH)
                .idempotencyToken("longer"))).certificate());
        assertEquals(issuedAt.plus(365, ChronoUnit.DAYS), longer.getNotAfter().toInstant(), "30 days were asked");

        aws.acmPca().misissue(FakeAcmPca.Misissue.WRONG_EKU);
        X509Certificate wrongEku = certificate(getAfterOnePoll(ca, issue(request(ca, csr, "SHA256WITHECDSA", CLIENT_AUTH)
                .idempotencyToken("eku"))).certificate());
        assertEquals(List.of(EKU_SERVER_AUTH), wrongEku.getExtendedKeyUsage());

        aws.acmPca().misissue(FakeAcmPca.Misissue.OTHER_KEY);
        X509Certificate otherKey = certificate(getAfterOnePoll(ca, issue(request(ca, csr, "SHA256WITHECDSA", CLIENT_AUTH)
                .idempotencyToken("key"))).certificate());
        assertTrue(!java.util.Arrays.equals(key.getPublic().getEncoded(), otherKey.getPublicKey().getEncoded()), "not the CSR's key");
        otherKey.verify(aws.acmPca().caCertificate(ca).getPublicKey());

        aws.acmPca().misissue(FakeAcmPca.Misissue.BEYOND_CA);
        X509Certificate beyond = certificate(getAfterOnePoll(ca, issue(request(ca, csr, "SHA256WITHECDSA", CLIENT_AUTH)
                .idempotencyToken("beyond"))).certificate());
        assertTrue(beyond.getNotAfter().after(aws.acmPca().caCertificate(ca).getNotAfter()));

        aws.acmPca().misissue(FakeAcmPca.Misissue.NONE);
        X509Certificate asAsked = certificate(getAfterOnePoll(ca, issue(request(ca, csr, "SHA256WITHECDSA", CLIENT_AUTH)
                .idempotencyToken("none"))).certificate());
        assertEquals(issuedAt.plus(30, ChronoUnit.DAYS), asAsked.getNotAfter().toInstant());
    }

    /** The extensions every end-entity template sets: AWS's table for EndEntityCertificate/V1 and its variants. */
    private static void assertEndEntityExtensions(X509Certificate leaf, X509Certificate ca, KeyPair key)
            throws Exception {
        assertEquals(-1, leaf.getBasicConstraints());
        assertTrue(leaf.getNonCriticalExtensionOIDs().contains("2.5.29.19"), "basicConstraints CA:FALSE present");
        assertTrue(leaf.getCriticalExtensionOIDs().contains("2.5.29.15"), "key usage is critical");
        boolean[] usage = leaf.getKeyUsage();
        assertTrue(usage[0] && usage[2], "digitalSignature and keyEncipherment");
        assertEquals(2, countTrue(usage));
        byte[] authorityKeyId = AuthorityKeyIdentifier.getInstance(
                JcaX509ExtensionUtils.parseExtensionValue(leaf.getExtensionValue("2.5.29.35"))).getKeyIdentifier();
        byte[] caKeyId = SubjectKeyIdentifier.getInstance(
                JcaX509ExtensionUtils.parseExtensionValue(ca.getExtensionValue("2.5.29.14"))).getKeyIdentifier();
        assertArrayEquals(caKeyId, authorityKeyId);
        byte[] subjectKeyId = SubjectKeyIdentifier.getInstance(
                JcaX509ExtensionUtils.parseExtensionValue(leaf.getExtensionValue("2.5.29.14"))).getKeyIdentifier();
        assertArrayEquals(new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key.getPublic()).getKeyIdentifier(),
                subjectKeyId);
    }

    private static int countTrue(boolean[] flags) {
        int count = 0;
        for (boolean flag : flags) {
            count += flag ? 1 : 0;
        }
        return count;
    }

    @Test
    void issuesAnRsaCertificateWithTheDefaultTemplate() throws Exception {
        String ca = aws.acmPca().createRootCa("RSA_2048", "fake rsa root");
        KeyPair key = PcaCsrs.rsaKey();

        String arn = issue(request(ca, PcaCsrs.csr(key, "CN=backend", "backend.internal", "backend"),
                "SHA384WITHRSA", null));

        X509Certificate leaf = certificate(getAfterOnePoll(ca, arn).certificate());
        X509Certificate caCertificate = aws.acmPca().caCertificate(ca);
        leaf.verify(caCertificate.getPublicKey());
        assertEquals("SHA384withRSA", leaf.getSigAlgName());
        assertEquals(List.of(EKU_SERVER_AUTH, EKU_CLIENT_AUTH), leaf.getExtendedKeyUsage());
        assertEquals(List.of(List.of(2, "backend.internal"), List.of(2, "backend")),
                List.copyOf(leaf.getSubjectAlternativeNames()));
        assertEndEntityExtensions(leaf, caCertificate, key);
        assertEquals("arn:aws:acm-pca:::template/EndEntityCertificate/V1",
                aws.acmPca().certificate(arn).orElseThrow().templateArn());

        openssl(caCertificate, null, leaf, "sslserver").assertOk();
        openssl(caCertificate, null, leaf, "sslclient").assertOk();
    }

    @Test
    void serverAuthTemplateIsForServersOnly() throws Exception {
        String ca = aws.acmPca().createRootCa("EC_secp384r1", "fake p384 root");
        aws.acmPca().certificatesReadyAfterPolls(0);

        String arn = issue(request(ca, PcaCsrs.csr(PcaCsrs.ecKey(), "CN=api", "api.internal"), "SHA384WITHECDSA",
                SERVER_AUTH));

        X509Certificate leaf = certificate(pca.getCertificate(r -> r.certificateAuthorityArn(ca).certificateArn(arn))
                .certificate());
        assertEquals(List.of(EKU_SERVER_AUTH), leaf.getExtendedKeyUsage());
        X509Certificate caCertificate = aws.acmPca().caCertificate(ca);
        openssl(caCertificate, null, leaf, "sslserver").assertOk();
        openssl(caCertificate, null, leaf, "sslclient").assertFails();
    }

    @Test
    void aSubordinateCaGivesTwoCertificateChains() throws Exception {
        String root = aws.acmPca().createRootCa("EC_prime256v1", "fake root");
        String sub = aws.acmPca().createSubordinateCa(root, "EC_prime256v1", "fake issuing ca");
        aws.acmPca().certificatesReadyAfterPolls(0);

        String arn = issue(request(sub, PcaCsrs.csr(PcaCsrs.ecKey(), "CN=svc", "svc.internal"), "SHA256WITHECDSA",
                CLIENT_AUTH));

        GetCertificateResponse got = pca.getCertificate(r -> r.certificateAuthorityArn(sub).certificateArn(arn));
        X509Certificate rootCertificate = aws.acmPca().caCertificate(root);
        X509Certificate subCertificate = aws.acmPca().caCertificate(sub);
        assertEquals(List.of(subCertificate, rootCertificate), certificates(got.certificateChain()));
        assertEquals(0, subCertificate.getBasicConstraints(), "pathlen 0");
        subCertificate.verify(rootCertificate.getPublicKey());
        openssl(rootCertificate, subCertificate, certificate(got.certificate()), "sslclient").assertOk();

        GetCertificateAuthorityCertificateResponse subCa =
                pca.getCertificateAuthorityCertificate(r -> r.certificateAuthorityArn(sub));
        assertEquals(subCertificate, certificate(subCa.certificate()));
        assertEquals(List.of(rootCertificate), certificates(subCa.certificateChain()));
        GetCertificateAuthorityCertificateResponse rootCa =
                pca.getCertificateAuthorityCertificate(r -> r.certificateAuthorityArn(root));
        assertEquals(rootCertificate, certificate(rootCa.certificate()));
        assertNull(rootCa.certificateChain(), "a root has no chain");
    }

    @Test
    void theSdkWaiterPollsUntilTheCertificateIsIssued() {
        String ca = aws.acmPca().createRootCa("EC_prime256v1", "fake root");
        aws.acmPca().certificatesReadyAfterPolls(3);
        String arn = issue(request(ca, PcaCsrs.csr(PcaCsrs.ecKey(), "CN=svc"), "SHA256WITHECDSA", null));

        try (AcmPcaWaiter waiter = AcmPcaWaiter.builder().client(pca)
                .overrideConfiguration(WaiterOverrideConfiguration.builder()
                        .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(10)))
                        .maxAttempts(10)
                        .build())
                .build()) {
            WaiterResponse<GetCertificateResponse> done = waiter.waitUntilCertificateIssued(
                    r -> r.certificateAuthorityArn(ca).certificateArn(arn));

            assertEquals(4, done.attemptsExecuted());
            assertTrue(done.matched().response().orElseThrow().certificate().startsWith("-----BEGIN CERTIFICATE-----"));
        }
        List<RecordedRequest> gets = aws.requests("GetCertificate");
        assertEquals(4, gets.size());
        assertEquals(List.of("RequestInProgressException", "RequestInProgressException",
                "RequestInProgressException"), gets.subList(0, 3).stream().map(RecordedRequest::errorType).toList());
        assertTrue(gets.get(3).succeeded());
    }

    @Test
    void theSameIdempotencyTokenWithinFiveMinutesIssuesOnce() {
        String ca = aws.acmPca().createRootCa("EC_prime256v1", "fake root");
        byte[] csr = PcaCsrs.csr(PcaCsrs.ecKey(), "CN=svc", "svc.internal");

        String first = issue(request(ca, csr, "SHA256WITHECDSA", CLIENT_AUTH).idempotencyToken("token-1"));
        clock.advance(Duration.ofMinutes(4));
        String again = issue(request(ca, csr, "SHA256WITHECDSA", CLIENT_AUTH).idempotencyToken("token-1"));
        String otherToken = issue(request(ca, csr, "SHA256WITHECDSA", CLIENT_AUTH).idempotencyToken("token-2"));
        clock.advance(Duration.ofMinutes(2));
        String afterWindow = issue(request(ca, csr, "SHA256WITHECDSA", CLIENT_AUTH).idempotencyToken("token-1"));

        assertEquals(first, again);
        assertNotEquals(first, otherToken);
        assertNotEquals(first, afterWindow);
        assertEquals(3, aws.acmPca().certificates().size());
    }

    @Test
    void aSigningAlgorithmOfTheWrongFamilyIsInvalidArgs() {
        String ec = aws.acmPca().createRootCa("EC_prime256v1", "fake ec root");
        String rsa = aws.acmPca().createRootCa("RSA_2048", "fake rsa root");
        byte[] csr = PcaCsrs.csr(PcaCsrs.ecKey(), "CN=svc");

        InvalidArgsException onRsa = assertThrows(InvalidArgsException.class,
                () -> issue(request(rsa, csr, "SHA384WITHECDSA", null)));
        InvalidArgsException onEc = assertThrows(InvalidArgsException.class,
                () -> issue(request(ec, csr, "SHA256WITHRSA", null)));

        assertEquals("Signing algorithm SHA384WITHECDSA cannot be used with key type RSA_2048. Valid signing"
                + " algorithms are: SHA256WITHRSA, SHA384WITHRSA, SHA512WITHRSA.", onRsa.awsErrorDetails().errorMessage());
        assertEquals(400, onEc.statusCode());
        assertTrue(onEc.awsErrorDetails().errorMessage()
                .endsWith("Valid signing algorithms are: SHA256WITHECDSA, SHA384WITHECDSA, SHA512WITHECDSA."));
        AcmPcaException unknown = assertThrows(AcmPcaException.class,
                () -> issue(request(ec, csr, "SHA1WITHRSA", null)));
        assertEquals("ValidationException", unknown.awsErrorDetails().errorCode());
        assertTrue(aws.acmPca().certificates().isEmpty());
    }

    @Test
    void aCsrThatIsNotOneOrWhoseSignatureFailsIsMalformed() throws Exception {
        String ca = aws.acmPca().createRootCa("EC_prime256v1", "fake root");
        byte[] tampered = tamper(PcaCsrs.csr(PcaCsrs.ecKey(), "CN=alice"), "alice", "mallo");

        MalformedCsrException garbage = assertThrows(MalformedCsrException.class,
                () -> issue(request(ca, "not a csr".getBytes(StandardCharsets.US_ASCII), "SHA256WITHECDSA", null)));
        MalformedCsrException forged = assertThrows(MalformedCsrException.class,
                () -> issue(request(ca, tampered, "SHA256WITHECDSA", null)));

        assertEquals("MalformedCSRException", garbage.awsErrorDetails().errorCode());
        assertTrue(forged.awsErrorDetails().errorMessage().contains("signature"), forged.getMessage());
        assertTrue(aws.acmPca().certificates().isEmpty());
    }

    /** The CSR with {@code from} replaced by {@code to} (same length) in its DER: parseable, signature broken. */
    private static byte[] tamper(byte[] pem, String from, String to) throws IOException {
        byte[] der;
        try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            der = ((PKCS10CertificationRequest) parser.readObject()).getEncoded();
        }
        String latin1 = new String(der, StandardCharsets.ISO_8859_1);
        assertTrue(latin1.contains(from));
        byte[] changed = latin1.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
        return PcaCsrs.pem(new PKCS10CertificationRequest(changed));
    }

    @Test
    void unknownAndMalformedArnsAreTheirOwnErrors() {
        String ca = aws.acmPca().createRootCa("EC_prime256v1", "fake root");
        byte[] csr = PcaCsrs.csr(PcaCsrs.ecKey(), "CN=svc");
        String unknownCa = "arn:aws:acm-pca:us-east-1:" + FakeAws.ACCOUNT_ID
                + ":certificate-authority/00000000-0000-0000-0000-000000000000";

        assertThrows(ResourceNotFoundException.class, () -> issue(request(unknownCa, csr, "SHA256WITHECDSA", null)));
        assertThrows(InvalidArnException.class, () -> issue(request("not-an-arn", csr, "SHA256WITHECDSA", null)));
        assertThrows(ResourceNotFoundException.class, () -> pca.getCertificate(r -> r.certificateAuthorityArn(ca)
                .certificateArn(ca + "/certificate/0123456789abcdef0123456789abcdef")));
        assertThrows(InvalidArnException.class, () -> pca.getCertificate(r -> r.certificateAuthorityArn(ca)
                .certificateArn(ca)));
        assertThrows(ResourceNotFoundException.class,
                () -> pca.describeCertificateAuthority(r -> r.certificateAuthorityArn(unknownCa)));
        InvalidArgsException template = assertThrows(InvalidArgsException.class, () -> issue(request(ca, csr,
                "SHA256WITHECDSA", "arn:aws:acm-pca:::template/CodeSigningCertificate/V1")));
        assertTrue(template.getMessage().contains("fake-aws does not implement"), template.getMessage());
    }

    @Test
    void onlyAnActiveCaIssues() {
        String ca = aws.acmPca().createRootCa("EC_prime256v1", "fake root");
        byte[] csr = PcaCsrs.csr(PcaCsrs.ecKey(), "CN=svc");
        aws.acmPca().setStatus(ca, "DISABLED");

        InvalidStateException disabled = assertThrows(InvalidStateException.class,
                () -> issue(request(ca, csr, "SHA256WITHECDSA", null)));
        assertEquals(400, disabled.statusCode());
        assertEquals(CertificateAuthorityStatus.DISABLED,
                pca.describeCertificateAuthority(r -> r.certificateAuthorityArn(ca)).certificateAuthority().status());

        aws.acmPca().setStatus(ca, "ACTIVE");
        issue(request(ca, csr, "SHA256WITHECDSA", null));
        assertEquals(1, aws.acmPca().certificates().size());
    }

    @Test
    void validityTypesAndTheCaLimit() throws Exception {
        String ca = aws.acmPca().createRootCa("EC_prime256v1", "short root", Duration.ofDays(400));
        aws.acmPca().certificatesReadyAfterPolls(0);
        byte[] csr = PcaCsrs.csr(PcaCsrs.ecKey(), "CN=svc");
        Instant now = clock.instant();

        long endOfYear = now.atZone(ZoneOffset.UTC).getYear() * 10_000_000_000L + 1231235959L; // GeneralizedTime
        Instant endDate = notAfter(ca, request(ca, csr, "SHA256WITHECDSA", null)
                .validity(v -> v.type(ValidityPeriodType.END_DATE).value(endOfYear)));
        assertEquals(now.atZone(ZoneOffset.UTC).withMonth(12).withDayOfMonth(31).withHour(23).withMinute(59)
                .withSecond(59).toInstant(), endDate);
        Instant absolute = now.plus(Duration.ofDays(7)).plusSeconds(1);
        assertEquals(absolute, notAfter(ca, request(ca, csr, "SHA256WITHECDSA", null)
                .validity(v -> v.type(ValidityPeriodType.ABSOLUTE).value(absolute.getEpochSecond()))));
        assertEquals(now.atZone(ZoneOffset.UTC).plusMonths(13).toInstant(), notAfter(ca,
                request(ca, csr, "SHA256WITHECDSA", null).validity(v -> v.type(ValidityPeriodType.MONTHS).value(13L))));

        AcmPcaException tooLong = assertThrows(AcmPcaException.class, () -> issue(request(ca, csr, "SHA256WITHECDSA",
                null).validity(v -> v.type(ValidityPeriodType.YEARS).value(2L))));
        assertEquals("ValidationException", tooLong.awsErrorDetails().errorCode());
        assertEquals("The certificate validity specified exceeds the CA validity.",
                tooLong.awsErrorDetails().errorMessage());
    }

    private Instant notAfter(String ca, IssueCertificateRequest.Builder request) throws Exception {
        String arn = issue(request);
        return certificate(pca.getCertificate(r -> r.certificateAuthorityArn(ca).certificateArn(arn)).certificate())
                .getNotAfter().toInstant();
    }

    @Test
    void describeCertificateAuthorityShowsTheCa() {
        Instant created = clock.instant();
        String ca = aws.acmPca().createRootCa("EC_secp384r1", "fake root");

        CertificateAuthority described = pca.describeCertificateAuthority(r -> r.certificateAuthorityArn(ca))
                .certificateAuthority();

        X509Certificate certificate = aws.acmPca().caCertificate(ca);
        assertEquals(ca, described.arn());
        assertTrue(ca.matches("arn:aws:acm-pca:us-east-1:" + FakeAws.ACCOUNT_ID
                + ":certificate-authority/[0-9a-f-]{36}"), ca);
        assertEquals(FakeAws.ACCOUNT_ID, described.ownerAccount());
        assertEquals(CertificateAuthorityType.ROOT, described.type());
        assertEquals(CertificateAuthorityStatus.ACTIVE, described.status());
        assertEquals(created, described.createdAt());
        assertEquals(certificate.getNotBefore().toInstant(), described.notBefore());
        assertEquals(certificate.getNotAfter().toInstant(), described.notAfter());
        assertEquals(String.format("%032x", certificate.getSerialNumber()), described.serial());
        assertEquals(KeyAlgorithm.EC_SECP384_R1, described.certificateAuthorityConfiguration().keyAlgorithm());
        assertEquals("SHA384WITHECDSA", described.certificateAuthorityConfiguration().signingAlgorithmAsString());
        assertEquals("fake root", described.certificateAuthorityConfiguration().subject().commonName());
        assertEquals("GENERAL_PURPOSE", described.usageModeAsString());
        assertEquals("FIPS_140_2_LEVEL_3_OR_HIGHER", described.keyStorageSecurityStandardAsString());
        assertEquals(Integer.MAX_VALUE, certificate.getBasicConstraints(), "CA:TRUE without a path length");
        assertTrue(certificate.getCriticalExtensionOIDs().containsAll(Set.of("2.5.29.19", "2.5.29.15")));
        assertTrue(certificate.getKeyUsage()[5] && certificate.getKeyUsage()[6], "keyCertSign and cRLSign");
    }

    @Test
    void aWrongSecretKeyIsAnInvalidSignature() {
        String ca = aws.acmPca().createRootCa("EC_prime256v1", "fake root");
        try (AcmPcaClient wrong = client("not-the-secret")) {
            AcmPcaException e = assertThrows(AcmPcaException.class,
                    () -> wrong.describeCertificateAuthority(r -> r.certificateAuthorityArn(ca)));

            assertEquals(400, e.statusCode());
            assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode());
        }
        List<RecordedRequest> calls = aws.requests("DescribeCertificateAuthority");
        assertEquals(1, calls.size());
        assertEquals("acm-pca", calls.get(0).service());
        assertEquals("ACMPrivateCA.DescribeCertificateAuthority", calls.get(0).header("X-Amz-Target"));
    }

    @Test
    void theSdkRetriesAnInjectedThrottle() {
        String ca = aws.acmPca().createRootCa("EC_prime256v1", "fake root");
        aws.failNext("IssueCertificate", 400, "ThrottlingException");

        String arn = issue(request(ca, PcaCsrs.csr(PcaCsrs.ecKey(), "CN=svc"), "SHA256WITHECDSA", null)
                .idempotencyToken("retry-safe"));

        List<RecordedRequest> issues = aws.requests("IssueCertificate");
        assertEquals(2, issues.size());
        assertEquals("ThrottlingException", issues.get(0).errorType());
        assertTrue(issues.get(1).succeeded());
        assertEquals(issues.get(0).body(), issues.get(1).body(), "the retry sends the same request");
        assertEquals(List.of(arn), aws.acmPca().certificates().stream().map(c -> c.arn()).toList());
    }

    private static X509Certificate certificate(String pem) throws GeneralSecurityException {
        List<X509Certificate> all = certificates(pem);
        assertEquals(1, all.size(), pem);
        return all.get(0);
    }

    private static List<X509Certificate> certificates(String pem) throws GeneralSecurityException {
        return CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
                .map(X509Certificate.class::cast).toList();
    }

    /** {@code openssl verify -x509_strict -purpose PURPOSE -CAfile root [-untrusted intermediate] leaf}. */
    private OpensslVerify openssl(X509Certificate root, X509Certificate intermediate, X509Certificate leaf,
                                  String purpose) throws IOException, InterruptedException {
        Path rootFile = write("root.pem", root);
        Path leafFile = write("leaf.pem", leaf);
        List<String> command = new ArrayList<>(List.of("openssl", "verify", "-x509_strict",
                "-purpose", purpose, "-CAfile", rootFile.toString()));
        if (intermediate != null) {
            command.addAll(List.of("-untrusted", write("intermediate.pem", intermediate).toString()));
        }
        command.add(leafFile.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new OpensslVerify(String.join(" ", command), process.waitFor(), output);
    }

    private Path write(String name, X509Certificate certificate) throws IOException {
        return Files.writeString(dir.resolve(name), PcaCertificates.pem(certificate) + "\n");
    }

    private record OpensslVerify(String command, int exitCode, String output) {
        void assertOk() {
            assertEquals(0, exitCode, command + "\n" + output);
            assertTrue(output.trim().endsWith(": OK"), output);
        }

        void assertFails() {
            assertNotEquals(0, exitCode, command + "\n" + output);
        }
    }

    /** A clock the test moves forward, for the five-minute idempotency window. */
    static final class SteppingClock extends Clock {
        private volatile Instant now;

        SteppingClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
