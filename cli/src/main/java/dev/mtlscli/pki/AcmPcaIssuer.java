package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsNames;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.store.PemFiles;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.services.acmpca.AcmPcaClient;
import software.amazon.awssdk.services.acmpca.model.CertificateAuthority;
import software.amazon.awssdk.services.acmpca.model.CertificateAuthorityStatus;
import software.amazon.awssdk.services.acmpca.model.GetCertificateAuthorityCertificateResponse;
import software.amazon.awssdk.services.acmpca.model.GetCertificateRequest;
import software.amazon.awssdk.services.acmpca.model.GetCertificateResponse;
import software.amazon.awssdk.services.acmpca.model.KeyAlgorithm;
import software.amazon.awssdk.services.acmpca.model.SigningAlgorithm;
import software.amazon.awssdk.services.acmpca.model.ValidityPeriodType;
import software.amazon.awssdk.services.acmpca.waiters.AcmPcaWaiter;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Leaves issued by AWS Certificate Manager Private CA. The key pair stays local: a CSR goes to
 * IssueCertificate with the end-entity template of the profile, the waiter polls until the
 * certificate is issued, GetCertificate returns it with the CA chain.
 */
public final class AcmPcaIssuer implements CertificateIssuer {
    /** PCA usually issues within a second or two: poll soon, then back off. */
    private static final Duration FIRST_POLL = Duration.ofMillis(250);
    private static final Duration LONGEST_POLL = Duration.ofSeconds(5);
    private static final Duration MAX_WAIT = Duration.ofMinutes(3);

    private final AcmPcaClient client;
    private final String caArn;
    private final String partition;
    private final SigningAlgorithm signingAlgorithm;
    private final List<X509Certificate> caCertificates;
    private final AcmPcaWaiter waiter;

    private AcmPcaIssuer(AcmPcaClient client, String caArn, String partition, SigningAlgorithm signingAlgorithm,
                         List<X509Certificate> caCertificates) {
        this.client = client;
        this.caArn = caArn;
        this.partition = partition;
        this.signingAlgorithm = signingAlgorithm;
        this.caCertificates = List.copyOf(caCertificates);
        this.waiter = AcmPcaWaiter.builder().client(client)
                .overrideConfiguration(WaiterOverrideConfiguration.builder()
                        .backoffStrategyV2(software.amazon.awssdk.retries.api.BackoffStrategy
                                .exponentialDelayHalfJitter(FIRST_POLL, LONGEST_POLL))
                        .maxAttempts(Integer.MAX_VALUE)
                        .waitTimeout(MAX_WAIT)
                        .build())
                .build();
    }

    /**
     * Checks the CA (DescribeCertificateAuthority: it must be ACTIVE; its key decides the
     * signing algorithm) and fetches its certificate chain (GetCertificateAuthorityCertificate).
     */
    public static AcmPcaIssuer connect(AcmPcaClient client, String caArn) {
        String partition = caArn.split(":")[1];
        AwsNames.caArn(caArn);
        CertificateAuthority ca = AwsCalls.call(AwsService.ACM_PCA, "DescribeCertificateAuthority",
                () -> client.describeCertificateAuthority(b -> b.certificateAuthorityArn(caArn)).certificateAuthority());
        if (ca.status() != CertificateAuthorityStatus.ACTIVE) {
            throw new MtlsException("ACM Private CA " + caArn + " is " + ca.statusAsString() + ", not ACTIVE; it cannot issue certificates");
        }
        KeyAlgorithm caKey = ca.certificateAuthorityConfiguration().keyAlgorithm();
        SigningAlgorithm signing = signingAlgorithm(caKey, caArn);
        GetCertificateAuthorityCertificateResponse caCertificate = AwsCalls.call(AwsService.ACM_PCA,
                "GetCertificateAuthorityCertificate", () -> client.getCertificateAuthorityCertificate(b -> b.certificateAuthorityArn(caArn)));
        List<X509Certificate> chain = new ArrayList<>(pem(caCertificate.certificate(), "the CA certificate of " + caArn));
        if (caCertificate.certificateChain() != null && !caCertificate.certificateChain().isBlank()) {
            chain.addAll(pem(caCertificate.certificateChain(), "the CA chain of " + caArn));
        }
        if (!ChainVerifier.verifies(chain) || !ChainVerifier.endsAtRoot(chain)) {
            throw new MtlsException("the certificate chain of ACM Private CA " + caArn + " does not verify up to a root");
        }
        return new AcmPcaIssuer(client, caArn, partition, signing, chain);
    }

    /** The signature that matches the CA's key; PCA refuses any other. */
    static SigningAlgorithm signingAlgorithm(KeyAlgorithm caKey, String caArn) {
        return switch (caKey) {
            case EC_PRIME256_V1 -> SigningAlgorithm.SHA256_WITHECDSA;
            case EC_SECP384_R1 -> SigningAlgorithm.SHA384_WITHECDSA;
            case RSA_2048, RSA_3072, RSA_4096 -> SigningAlgorithm.SHA256_WITHRSA;
            default -> throw new MtlsException("ACM Private CA " + caArn + " has a " + caKey
                    + " key, which mtls-cli cannot use (EC P-256/P-384 or RSA)");
        };
    }

    @Override
    public List<X509Certificate> issue(LeafRequest request) {
        Instant asked = Instant.now();
        PKCS10CertificationRequest csr = CertificateRequests.create(request);
        String templateArn = "arn:" + partition + ":acm-pca:::template/" + switch (request.profile()) {
            case CLIENT -> "EndEntityClientAuthCertificate/V1";
            case SERVER -> "EndEntityServerAuthCertificate/V1";
            default -> throw new IllegalArgumentException("not a leaf profile: " + request.profile());
        };
        String certificateArn = AwsCalls.call(AwsService.ACM_PCA, "IssueCertificate for '" + request.subject() + "'",
                () -> client.issueCertificate(b -> b
                        .certificateAuthorityArn(caArn)
                        .csr(SdkBytes.fromUtf8String(CertificateRequests.pem(csr)))
                        .signingAlgorithm(signingAlgorithm)
                        .templateArn(templateArn)
                        .validity(v -> v.type(ValidityPeriodType.DAYS).value((long) request.validityDays()))
                        .idempotencyToken(idempotencyToken(csr)))).certificateArn();

        GetCertificateRequest get = GetCertificateRequest.builder().certificateAuthorityArn(caArn).certificateArn(certificateArn).build();
        GetCertificateResponse issued;
        try {
            WaiterResponse<GetCertificateResponse> waited = waiter.waitUntilCertificateIssued(get);
            issued = waited.matched().response().orElseThrow(() -> new MtlsException(
                    "ACM Private CA did not issue " + certificateArn + ": " + waited.matched().exception()
                            .map(Throwable::getMessage).orElse("unknown reason")));
        } catch (SdkException e) {
            throw AwsCalls.failure(AwsService.ACM_PCA, "GetCertificate " + certificateArn, e);
        }

        List<X509Certificate> chain = new ArrayList<>(pem(issued.certificate(), certificateArn));
        if (issued.certificateChain() != null && !issued.certificateChain().isBlank()) {
            for (X509Certificate certificate : pem(issued.certificateChain(), "the chain of " + certificateArn)) {
                if (!chain.contains(certificate)) {
                    chain.add(certificate);
                }
            }
        }
        for (X509Certificate certificate : caCertificates) {
            if (!chain.contains(certificate)) {
                chain.add(certificate);
            }
        }
        X509Certificate leaf = chain.get(0);
        String role = request.profile() == CertificateProfile.CLIENT ? "a client certificate" : "a server certificate";
        IssuedCertificateCheck.check(leaf, request, caCertificates.get(0), asked, role + " (" + certificateArn + ")");
        KeyPolicy.require("ACM Private CA issued " + role + " (" + certificateArn + ")", chain);
        if (!ChainVerifier.verifies(chain) || !chain.get(chain.size() - 1).equals(rootCertificate())) {
            throw new MtlsException("the certificate " + certificateArn + " from ACM Private CA does not verify up to the CA's root");
        }
        return chain;
    }

    @Override
    public X509Certificate rootCertificate() {
        return caCertificates.get(caCertificates.size() - 1);
    }

    /** The issuing CA's certificate first, up to its root. */
    @Override
    public List<X509Certificate> caCertificates() {
        return caCertificates;
    }

    /**
     * Derived from the CSR: a retry of the same request (by the SDK or by a re-run that sends
     * the same CSR) is answered with the same certificate instead of a second one.
     */
    private static String idempotencyToken(PKCS10CertificationRequest csr) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(csr.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<X509Certificate> pem(String text, String source) {
        List<X509Certificate> certificates = PemFiles.read(text, source, null).certificates();
        if (certificates.isEmpty()) {
            throw new MtlsException(source + " holds no certificate");
        }
        return certificates;
    }
}
