package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import org.bouncycastle.asn1.x500.X500Name;

import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** A root CA whose key is held in memory; it signs the leaves of one service. */
public final class LocalCertificateAuthority implements CertificateIssuer {

    /** Certificates start a little in the past so that a peer whose clock lags still accepts them. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private final KeyPair keyPair;
    private final KeyAlgorithm algorithm;
    private final X509Certificate certificate;
    private final SecureRandom random;
    private final Clock clock;

    /** @param clock the time leaves are issued at; a fixed clock dates a whole run alike */
    public LocalCertificateAuthority(KeyPair keyPair, X509Certificate certificate, SecureRandom random, Clock clock) {
        this.keyPair = keyPair;
        this.certificate = certificate;
        this.algorithm = KeyAlgorithm.of(certificate.getPublicKey());
        this.random = random;
        this.clock = clock;
    }

    /**
     * Creates a new self-signed root CA. Its leaves are issued at the same instant, so a leaf
     * as long-lived as its CA ends exactly with it instead of a few milliseconds after.
     */
    public static LocalCertificateAuthority createRoot(String subject, KeyAlgorithm algorithm, int validityDays,
                                                       Instant now, SecureRandom random) {
        return createRoot(CertificateProfile.ROOT_CA, subject, algorithm, validityDays, now, random);
    }

    /**
     * The same with a root profile of one's choice: {@link CertificateProfile#OFFLINE_ROOT_CA} for
     * the root that signs a KMS intermediate instead of leaves.
     */
    public static LocalCertificateAuthority createRoot(CertificateProfile profile, String subject, KeyAlgorithm algorithm,
                                                       int validityDays, Instant now, SecureRandom random) {
        if (profile != CertificateProfile.ROOT_CA && profile != CertificateProfile.OFFLINE_ROOT_CA) {
            throw new IllegalArgumentException("not a root profile: " + profile);
        }
        requirePositive(validityDays, subject);
        KeyPair keyPair = algorithm.generate(random);
        Instant notBefore = now.minus(BACKDATE).truncatedTo(ChronoUnit.SECONDS);
        X509Certificate certificate = CertificateBuilder.build(
                profile, DistinguishedNames.parse(subject), keyPair.getPublic(),
                null, keyPair.getPrivate(), algorithm,
                notBefore, notBefore.plus(Duration.ofDays(validityDays)), List.of(), List.of(), random);
        return new LocalCertificateAuthority(keyPair, certificate, random, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Override
    public List<X509Certificate> issue(LeafRequest request) {
        requirePositive(request.validityDays(), request.subject());
        Instant notBefore = clock.instant().minus(BACKDATE).truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = notBefore.plus(Duration.ofDays(request.validityDays()));
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            throw new MtlsException("validity of " + request.validityDays() + " days for '" + request.subject()
                    + "' goes beyond its CA's notAfter " + certificate.getNotAfter().toInstant());
        }
        X509Certificate leaf = CertificateBuilder.build(
                request.profile(), DistinguishedNames.parse(request.subject()), request.keyPair().getPublic(),
                certificate, keyPair.getPrivate(), algorithm, notBefore, notAfter,
                request.dnsNames(), request.ipAddresses(), random);
        return List.of(leaf, certificate);
    }

    /**
     * Signs the certificate of an intermediate CA (pathLen 0) for a public key held elsewhere
     * (the KMS key's), for as long as asked but never beyond this root's notAfter.
     */
    public X509Certificate signIntermediate(X500Name subject, PublicKey subjectKey, int validityDays) {
        requirePositive(validityDays, subject.toString());
        if (certificate.getBasicConstraints() < 1) {
            throw new MtlsException("the CA " + certificate.getSubjectX500Principal().getName()
                    + " may not issue CA certificates (its pathLen is " + certificate.getBasicConstraints() + ")");
        }
        Instant notBefore = clock.instant().minus(BACKDATE).truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = notBefore.plus(Duration.ofDays(validityDays));
        Instant rootEnd = certificate.getNotAfter().toInstant();
        return CertificateBuilder.build(CertificateProfile.INTERMEDIATE_CA, subject, subjectKey, certificate, keyPair.getPrivate(),
                algorithm, notBefore, notAfter.isAfter(rootEnd) ? rootEnd : notAfter, List.of(), List.of(), random);
    }

    @Override
    public X509Certificate rootCertificate() {
        return certificate;
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    private static void requirePositive(int validityDays, String subject) {
        if (validityDays <= 0) {
            throw new MtlsException("validity must be at least 1 day, got " + validityDays + " for '" + subject + "'");
        }
    }
}
