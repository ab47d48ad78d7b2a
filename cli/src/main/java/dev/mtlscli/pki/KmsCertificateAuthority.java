package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A root CA whose private key is a KMS key: the root is self-signed through KMS and so is every
 * leaf, one Sign call each (see {@link KmsContentSigner}). The certificates are those a local CA
 * makes (same profiles, same backdating); only the signature comes from KMS.
 */
public final class KmsCertificateAuthority implements CertificateIssuer {
    private final KmsKey key;
    private final KmsSigningAlgorithm algorithm;
    private final X509Certificate certificate;
    private final SecureRandom random;
    private final Clock clock;

    private KmsCertificateAuthority(KmsKey key, KmsSigningAlgorithm algorithm, X509Certificate certificate, SecureRandom random,
                                    Clock clock) {
        this.key = key;
        this.algorithm = algorithm;
        this.certificate = certificate;
        this.random = random;
        this.clock = clock;
    }

    /**
     * A new self-signed root for the key. Its leaves are issued at the same instant, as a local
     * root's are ({@link LocalCertificateAuthority#createRoot}).
     */
    public static KmsCertificateAuthority createRoot(KmsKey key, KmsSigningAlgorithm algorithm, String subject, int validityDays,
                                                     Instant now, SecureRandom random) {
        requirePositive(validityDays, subject);
        Instant notBefore = now.minus(LocalCertificateAuthority.BACKDATE).truncatedTo(ChronoUnit.SECONDS);
        X509Certificate root = CertificateBuilder.build(CertificateProfile.ROOT_CA, DistinguishedNames.parse(subject),
                key.publicKey(), null, new KmsContentSigner(key, algorithm, "the root CA '" + subject + "'"),
                notBefore, notBefore.plus(Duration.ofDays(validityDays)), List.of(), List.of(), random);
        requireSignedBy(root, key, "the root CA certificate");
        return new KmsCertificateAuthority(key, algorithm, root, random, Clock.fixed(now, ZoneOffset.UTC));
    }

    /**
     * The CA of an existing workspace: its root must hold the KMS key's public key, and its
     * leaves are signed with the algorithm the root was signed with.
     */
    public static KmsCertificateAuthority connect(KmsKey key, X509Certificate root, SecureRandom random, Clock clock) {
        if (!root.getPublicKey().equals(key.publicKey())) {
            throw new MtlsException("the CA certificate " + root.getSubjectX500Principal().getName()
                    + " does not hold the public key of KMS key " + key.arn() + "; it is not that key's CA");
        }
        KmsSigningAlgorithm algorithm = key.signingAlgorithm(KmsSigningAlgorithm.of(root));
        return new KmsCertificateAuthority(key, algorithm, root, random, clock);
    }

    @Override
    public List<X509Certificate> issue(LeafRequest request) {
        requirePositive(request.validityDays(), request.subject());
        Instant notBefore = clock.instant().minus(LocalCertificateAuthority.BACKDATE).truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = notBefore.plus(Duration.ofDays(request.validityDays()));
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            throw new MtlsException("validity of " + request.validityDays() + " days for '" + request.subject()
                    + "' goes beyond its CA's notAfter " + certificate.getNotAfter().toInstant());
        }
        X509Certificate leaf = CertificateBuilder.build(request.profile(), DistinguishedNames.parse(request.subject()),
                request.keyPair().getPublic(), certificate, new KmsContentSigner(key, algorithm, "'" + request.subject() + "'"),
                notBefore, notAfter, request.dnsNames(), request.ipAddresses(), random);
        requireSignedBy(leaf, key, "the certificate of '" + request.subject() + "'");
        return List.of(leaf, certificate);
    }

    @Override
    public X509Certificate rootCertificate() {
        return certificate;
    }

    /** The ARN of the KMS key that signs. */
    public String keyArn() {
        return key.arn();
    }

    /** Belt and braces over the signer's own check: the assembled certificate verifies with the KMS public key. */
    private static void requireSignedBy(X509Certificate certificate, KmsKey key, String what) {
        try {
            certificate.verify(key.publicKey());
        } catch (GeneralSecurityException e) {
            throw new MtlsException(what + " signed through KMS key " + key.arn() + " does not verify against its public key: "
                    + e.getMessage());
        }
    }

    private static void requirePositive(int validityDays, String subject) {
        if (validityDays <= 0) {
            throw new MtlsException("validity must be at least 1 day, got " + validityDays + " for '" + subject + "'");
        }
    }
}
