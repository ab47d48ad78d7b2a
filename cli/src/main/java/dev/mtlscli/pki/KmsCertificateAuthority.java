package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A CA whose private key is a KMS key, which signs every leaf, one Sign call each (see
 * {@link KmsContentSigner}): a root self-signed through KMS, or an intermediate whose certificate
 * an offline root signed ({@link #intermediate}). The certificates are those a local CA makes
 * (same profiles, same backdating); only the signature comes from KMS.
 */
public final class KmsCertificateAuthority implements CertificateIssuer {
    /** RFC 5280's upper bound for a commonName. */
    private static final int MAX_COMMON_NAME = 64;

    private final KmsKey key;
    private final KmsSigningAlgorithm algorithm;
    private final X509Certificate certificate;
    /** The issuers of {@link #certificate} up to the root; empty for a KMS root. */
    private final List<X509Certificate> above;
    private final SecureRandom random;
    private final Clock clock;

    private KmsCertificateAuthority(KmsKey key, KmsSigningAlgorithm algorithm, X509Certificate certificate,
                                    List<X509Certificate> above, SecureRandom random, Clock clock) {
        this.key = key;
        this.algorithm = algorithm;
        this.certificate = certificate;
        this.above = List.copyOf(above);
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
        return new KmsCertificateAuthority(key, algorithm, root, List.of(), random, Clock.fixed(now, ZoneOffset.UTC));
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
        return new KmsCertificateAuthority(key, algorithm, root, List.of(), random, clock);
    }

    /**
     * A KMS intermediate under an offline root: its certificate must hold the KMS key's public key
     * and be signed by the root. The leaves are signed with the key's usual algorithm: the
     * intermediate's own signature is the root's, which says nothing about the KMS key.
     */
    public static KmsCertificateAuthority intermediate(KmsKey key, X509Certificate intermediate, X509Certificate root,
                                                       SecureRandom random, Clock clock) {
        if (!intermediate.getPublicKey().equals(key.publicKey())) {
            throw new MtlsException("the intermediate CA certificate " + intermediate.getSubjectX500Principal().getName()
                    + " does not hold the public key of KMS key " + key.arn() + "; it is not that key's CA");
        }
        try {
            intermediate.verify(root.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new MtlsException("the intermediate CA certificate " + intermediate.getSubjectX500Principal().getName()
                    + " is not signed by the offline root " + root.getSubjectX500Principal().getName());
        }
        if (intermediate.getBasicConstraints() < 0) {
            throw new MtlsException("the intermediate certificate " + intermediate.getSubjectX500Principal().getName()
                    + " is not a CA certificate");
        }
        return new KmsCertificateAuthority(key, key.signingAlgorithm(null), intermediate, List.of(root), random, clock);
    }

    /**
     * The subject of the KMS intermediate under a root: the root's, with "Root CA" in its
     * commonName turned into "KMS Intermediate CA" (or " KMS Intermediate" added), so that the
     * two levels read apart in every chain and log.
     */
    public static X500Name intermediateSubject(X509Certificate root) {
        X500Name name = X500Name.getInstance(root.getSubjectX500Principal().getEncoded());
        RDN[] rdns = name.getRDNs();
        for (int i = rdns.length - 1; i >= 0; i--) {
            AttributeTypeAndValue first = rdns[i].getFirst();
            if (!rdns[i].isMultiValued() && BCStyle.CN.equals(first.getType()) && first.getValue() instanceof ASN1String text) {
                String commonName = text.getString();
                String named = commonName.contains("Root CA") ? commonName.replace("Root CA", "KMS Intermediate CA")
                        : commonName + " KMS Intermediate";
                if (named.length() > MAX_COMMON_NAME) {
                    named = named.substring(0, MAX_COMMON_NAME).stripTrailing();
                }
                RDN[] renamed = rdns.clone();
                renamed[i] = new RDN(BCStyle.CN, new DERUTF8String(named));
                return new X500Name(BCStyle.INSTANCE, renamed);
            }
        }
        RDN[] added = Arrays.copyOf(rdns, rdns.length + 1);
        added[rdns.length] = new RDN(BCStyle.CN, new DERUTF8String("KMS Intermediate CA"));
        return new X500Name(BCStyle.INSTANCE, added);
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
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        chain.addAll(caCertificates());
        return List.copyOf(chain);
    }

    @Override
    public X509Certificate rootCertificate() {
        return above.isEmpty() ? certificate : above.get(above.size() - 1);
    }

    @Override
    public List<X509Certificate> caCertificates() {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(above);
        return List.copyOf(chain);
    }

    /** The certificate of the KMS key, which signs the leaves: the root itself, or the intermediate under an offline root. */
    public X509Certificate issuingCertificate() {
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
