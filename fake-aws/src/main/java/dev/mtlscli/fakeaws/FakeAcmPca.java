package dev.mtlscli.fakeaws;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The state of the fake ACM Private CA: certificate authorities, each with a real key pair and
 * certificate, and the certificates they issued, really signed. Tests seed CAs with
 * {@link #createRootCa} and {@link #createSubordinateCa}, change their status with
 * {@link #setStatus}, and read back what was issued with {@link #certificate(String)}.
 *
 * <p>As in ACM PCA, an issued certificate is not retrievable at once: GetCertificate answers
 * RequestInProgressException for the first {@link #certificatesReadyAfterPolls(int) n} calls
 * (1 unless set), then the certificate. Counting calls instead of time keeps tests deterministic.
 */
public final class FakeAcmPca {
    /** The validity of a root CA certificate when none is given. */
    public static final Duration DEFAULT_ROOT_VALIDITY = Duration.ofDays(10 * 365);
    /** The validity of a subordinate CA certificate when none is given. */
    public static final Duration DEFAULT_SUBORDINATE_VALIDITY = Duration.ofDays(5 * 365);
    /** The statuses a CA can have (CertificateAuthorityStatus). */
    public static final List<String> STATUSES = List.of("CREATING", "PENDING_CERTIFICATE", "ACTIVE", "DELETED",
            "DISABLED", "EXPIRED", "FAILED");

    /** IssueCertificate's idempotency tokens time out after five minutes. */
    static final Duration IDEMPOTENCY_WINDOW = Duration.ofMinutes(5);
    /** ACM PCA sets notBefore an hour before issuance, to absorb clock differences. */
    static final Duration BACKDATING = Duration.ofMinutes(60);

    /**
     * A certificate a CA issued.
     *
     * @param arn                    {@code <CA ARN>/certificate/<serial in hex>}
     * @param certificateAuthorityArn the issuing CA
     * @param certificate            the certificate
     * @param chain                  what GetCertificate returns as CertificateChain: the issuing CA's
     *                               certificate, then the ones above it up to the root
     * @param templateArn            the template it was issued with
     * @param signingAlgorithm       e.g. {@code SHA256WITHECDSA}
     */
    public record IssuedCertificate(String arn, String certificateAuthorityArn, X509Certificate certificate,
                                    List<X509Certificate> chain, String templateArn, String signingAlgorithm) {
        public IssuedCertificate {
            chain = List.copyOf(chain);
        }
    }

    /**
     * The arguments of an IssueCertificate call; {@code templateArn}, {@code validityNotBefore} and
     * {@code idempotencyToken} may be null.
     */
    record Issue(String certificateAuthorityArn, byte[] csr, String signingAlgorithm, String templateArn,
                 PcaValidity validity, PcaValidity validityNotBefore, String idempotencyToken) {

        /** What makes two calls with one idempotency token the same request. */
        String fingerprint() {
            return String.join("|", certificateAuthorityArn, Base64.getEncoder().encodeToString(csr),
                    signingAlgorithm, String.valueOf(templateArn), String.valueOf(validity),
                    String.valueOf(validityNotBefore));
        }
    }

    /** A CA at one moment: a status change replaces the record. */
    record Authority(String arn, String type, PcaKeyAlgorithm keyAlgorithm, String commonName, KeyPair keyPair,
                     X509Certificate certificate, List<X509Certificate> chain, Instant createdAt, String status,
                     Instant lastStateChangeAt) {

        Authority withStatus(String newStatus, Instant at) {
            return new Authority(arn, type, keyAlgorithm, commonName, keyPair, certificate, chain, createdAt,
                    newStatus, at);
        }

        PcaCertificates.Signer signer(PcaSigningAlgorithm algorithm) {
            return new PcaCertificates.Signer(certificate, keyPair.getPrivate(), algorithm);
        }

        /** The certificate and the chain above it, as GetCertificate returns the chain of what this CA issues. */
        List<X509Certificate> certificateAndChain() {
            List<X509Certificate> all = new ArrayList<>();
            all.add(certificate);
            all.addAll(chain);
            return all;
        }
    }

    private record Token(String fingerprint, Instant at, String certificateArn) {
    }

    private static final class Pending {
        final IssuedCertificate issued;
        int pollsLeft;

        Pending(IssuedCertificate issued, int pollsLeft) {
            this.issued = issued;
            this.pollsLeft = pollsLeft;
        }
    }

    private final String region;
    private final String accountId;
    private final Clock clock;
    private final Map<String, Authority> authorities = new LinkedHashMap<>();
    private final Map<String, Pending> issued = new LinkedHashMap<>();
    private final Map<String, Token> tokens = new HashMap<>();
    private int readyAfterPolls = 1;
    private Misissue misissue = Misissue.NONE;

    /**
     * Ways a CA could answer other than it was asked, for testing that clients check what they
     * get: a real ACM PCA does none of these, but a client must not find out in production.
     */
    public enum Misissue {
        NONE,
        /** valid for 365 days whatever was asked (within the CA's validity) */
        LONGER_VALIDITY,
        /** valid one day beyond the CA's own certificate */
        BEYOND_CA,
        /** the other end-entity template's EKU: serverAuth for a client, clientAuth for a server */
        WRONG_EKU,
        /** a certificate for a key other than the CSR's */
        OTHER_KEY,
        /** another subject than the CSR's */
        OTHER_SUBJECT,
        /** the CSR's subjectAltName dropped */
        NO_SAN,
        /** basicConstraints CA:TRUE on an end-entity certificate */
        CA_LEAF,
        /** signed with SHA-1 instead of the asked algorithm */
        SHA1_SIGNATURE
    }

    /** From now on every IssueCertificate answers this way (NONE: as asked). */
    public synchronized void misissue(Misissue how) {
        misissue = how;
    }

    FakeAcmPca(String region, String accountId, Clock clock) {
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
    }

    /**
     * Creates an ACTIVE root CA with a new key and a self-signed certificate valid for
     * {@link #DEFAULT_ROOT_VALIDITY}.
     *
     * @param keyAlgorithm      {@code EC_prime256v1}, {@code EC_secp384r1}, {@code EC_secp521r1},
     *                          {@code RSA_2048}, {@code RSA_3072} or {@code RSA_4096}
     * @param subjectCommonName the CN of the CA's subject
     * @return the CA's ARN, {@code arn:aws:acm-pca:REGION:ACCOUNT:certificate-authority/UUID}
     */
    public String createRootCa(String keyAlgorithm, String subjectCommonName) {
        return createRootCa(keyAlgorithm, subjectCommonName, DEFAULT_ROOT_VALIDITY);
    }

    /** As {@link #createRootCa(String, String)}, with a certificate valid for {@code validity} from now. */
    public String createRootCa(String keyAlgorithm, String subjectCommonName, Duration validity) {
        PcaKeyAlgorithm algorithm = PcaKeyAlgorithm.of(keyAlgorithm);
        KeyPair key = algorithm.generate();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        X509Certificate certificate = PcaCertificates.root(key, subject(subjectCommonName), algorithm.defaultSigning(),
                now.minus(BACKDATING), now.plus(validity));
        return add("ROOT", algorithm, subjectCommonName, key, certificate, List.of(), now);
    }

    /**
     * Creates an ACTIVE subordinate CA under {@code parentArn}, its certificate signed by the parent
     * (basic constraints CA:TRUE, pathlen 0) and valid for {@link #DEFAULT_SUBORDINATE_VALIDITY}.
     * Certificates it issues come with a two-certificate chain.
     */
    public String createSubordinateCa(String parentArn, String keyAlgorithm, String subjectCommonName) {
        return createSubordinateCa(parentArn, keyAlgorithm, subjectCommonName, DEFAULT_SUBORDINATE_VALIDITY);
    }

    /** As {@link #createSubordinateCa(String, String, String)}, valid for {@code validity}, within the parent's. */
    public String createSubordinateCa(String parentArn, String keyAlgorithm, String subjectCommonName,
                                      Duration validity) {
        Authority parent = seeded(parentArn);
        PcaKeyAlgorithm algorithm = PcaKeyAlgorithm.of(keyAlgorithm);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(parent.certificate().getNotAfter().toInstant())) {
            throw new IllegalArgumentException("a subordinate CA cannot outlive its parent, valid until "
                    + parent.certificate().getNotAfter().toInstant());
        }
        KeyPair key = algorithm.generate();
        X509Certificate certificate = PcaCertificates.subordinate(key.getPublic(), subject(subjectCommonName),
                parent.signer(parent.keyAlgorithm().defaultSigning()), now.minus(BACKDATING), notAfter);
        return add("SUBORDINATE", algorithm, subjectCommonName, key, certificate, parent.certificateAndChain(), now);
    }

    /** The CA's certificate. */
    public X509Certificate caCertificate(String caArn) {
        return seeded(caArn).certificate();
    }

    /**
     * The certificates above the CA's own, up to the root, as GetCertificateAuthorityCertificate
     * returns them: empty for a root.
     */
    public List<X509Certificate> caChain(String caArn) {
        return seeded(caArn).chain();
    }

    /** The CA's status, e.g. {@code ACTIVE}. */
    public String status(String caArn) {
        return seeded(caArn).status();
    }

    /** Sets the CA's status, one of {@link #STATUSES}: only an ACTIVE CA issues certificates. */
    public synchronized void setStatus(String caArn, String status) {
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("a CA status is one of " + STATUSES + ", not " + status);
        }
        Authority ca = seeded(caArn);
        authorities.put(caArn, ca.withStatus(status, clock.instant()));
    }

    /**
     * How many GetCertificate calls for a newly issued certificate answer RequestInProgressException
     * before the certificate: 0 makes certificates retrievable at once. Applies to certificates
     * issued from now on.
     */
    public synchronized void certificatesReadyAfterPolls(int polls) {
        if (polls < 0) {
            throw new IllegalArgumentException("polls must be 0 or more: " + polls);
        }
        this.readyAfterPolls = polls;
    }

    /** A certificate issued by one of the CAs, ready or not. */
    public synchronized Optional<IssuedCertificate> certificate(String certificateArn) {
        Pending pending = issued.get(certificateArn);
        return pending == null ? Optional.empty() : Optional.of(pending.issued);
    }

    /** Every certificate issued so far, oldest first. */
    public synchronized List<IssuedCertificate> certificates() {
        return issued.values().stream().map(p -> p.issued).toList();
    }

    /** IssueCertificate: checks the request as ACM PCA does, signs the CSR and returns the certificate ARN. */
    synchronized String issueCertificate(Issue issue) throws AwsError {
        Authority ca = authority(issue.certificateAuthorityArn());
        if (!"ACTIVE".equals(ca.status())) {
            throw AwsError.badRequest("InvalidStateException", "The certificate authority " + ca.arn()
                    + " is not in a valid state for issuing certificates (status " + ca.status() + ").");
        }
        PcaTemplate template = template(issue.templateArn());
        PcaSigningAlgorithm signing = signing(ca, issue.signingAlgorithm());
        Instant now = clock.instant();
        Optional<String> repeated = repeated(issue, now);
        if (repeated.isPresent()) {
            return repeated.get();
        }
        PcaCsr csr = PcaCsr.parse(issue.csr());
        Instant notBefore = notBefore(issue.validityNotBefore(), now);
        Instant notAfter = issue.validity().resolve(now);
        if (!notAfter.isAfter(now) || !notAfter.isAfter(notBefore)) {
            throw AwsError.validation("The certificate validity specified ends at " + notAfter
                    + ", which is not after its start " + notBefore + " and the time of issuance " + now + ".");
        }
        if (notAfter.isAfter(ca.certificate().getNotAfter().toInstant())) {
            throw AwsError.validation("The certificate validity specified exceeds the CA validity.");
        }
        Instant caNotAfter = ca.certificate().getNotAfter().toInstant();
        switch (misissue) {
            case LONGER_VALIDITY -> notAfter = now.plus(Duration.ofDays(365)).isBefore(caNotAfter) ? now.plus(Duration.ofDays(365)) : caNotAfter;
            case BEYOND_CA -> notAfter = caNotAfter.plus(Duration.ofDays(1));
            default -> { }
        }
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo key = misissue == Misissue.OTHER_KEY ? PcaCertificates.otherKey(csr.publicKey())
                : csr.publicKey();
        org.bouncycastle.asn1.x500.X500Name subject = misissue == Misissue.OTHER_SUBJECT
                ? new org.bouncycastle.asn1.x500.X500Name("CN=someone-else") : csr.subject();
        org.bouncycastle.asn1.x509.KeyPurposeId[] ekus = misissue == Misissue.WRONG_EKU ? PcaTemplate.otherEku(template)
                : template.extendedKeyUsages();
        BigInteger serial = PcaCertificates.randomSerial();
        X509Certificate certificate = PcaCertificates.endEntity(subject, key, misissue == Misissue.NO_SAN ? null : csr.subjectAltName(),
                ekus, misissue == Misissue.CA_LEAF, ca.signer(misissue == Misissue.SHA1_SIGNATURE ? signing.sha1() : signing), serial, notBefore, notAfter);
        String arn = ca.arn() + "/certificate/" + PcaCertificates.serialHex(serial);
        issued.put(arn, new Pending(new IssuedCertificate(arn, ca.arn(), certificate, ca.certificateAndChain(),
                template.arn(), signing.name()), readyAfterPolls));
        if (issue.idempotencyToken() != null) {
            tokens.put(ca.arn() + "|" + issue.idempotencyToken(), new Token(issue.fingerprint(), now, arn));
        }
        return arn;
    }

    /** GetCertificate: the certificate once it is ready, RequestInProgressException until then. */
    synchronized IssuedCertificate getCertificate(String caArn, String certificateArn) throws AwsError {
        Authority ca = authority(caArn);
        String issuer = PcaArns.issuerOf(certificateArn);
        Pending pending = issued.get(certificateArn);
        if (pending == null || !issuer.equals(ca.arn())) {
            throw AwsError.badRequest("ResourceNotFoundException", "Could not find certificate " + certificateArn
                    + " issued by " + caArn + ".");
        }
        if (pending.pollsLeft > 0) {
            pending.pollsLeft--;
            throw AwsError.badRequest("RequestInProgressException", "The certificate " + certificateArn
                    + " is still being issued. Retry the request later.");
        }
        return pending.issued;
    }

    /** The CA as DescribeCertificateAuthority and GetCertificateAuthorityCertificate see it. */
    synchronized Authority authority(String caArn) throws AwsError {
        Authority ca = authorities.get(PcaArns.certificateAuthority(caArn));
        if (ca == null) {
            throw AwsError.badRequest("ResourceNotFoundException", "Could not find certificate authority "
                    + caArn + ".");
        }
        return ca;
    }

    String accountId() {
        return accountId;
    }

    private synchronized String add(String type, PcaKeyAlgorithm algorithm, String commonName, KeyPair key,
                                    X509Certificate certificate, List<X509Certificate> chain, Instant now) {
        String arn = "arn:aws:acm-pca:" + region + ":" + accountId + ":certificate-authority/" + UUID.randomUUID();
        authorities.put(arn, new Authority(arn, type, algorithm, commonName, key, certificate, List.copyOf(chain), now,
                "ACTIVE", now));
        return arn;
    }

    private synchronized Authority seeded(String caArn) {
        Authority ca = authorities.get(caArn);
        if (ca == null) {
            throw new IllegalArgumentException("no CA " + caArn + " in fake-aws");
        }
        return ca;
    }

    private static X500Name subject(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static PcaTemplate template(String templateArn) throws AwsError {
        if (templateArn == null) {
            return PcaTemplate.DEFAULT;
        }
        PcaArns.checkTemplate(templateArn);
        return PcaTemplate.of(templateArn).orElseThrow(() -> AwsError.badRequest("InvalidArgsException",
                "fake-aws does not implement the template " + templateArn + "; it issues with "
                        + Arrays.stream(PcaTemplate.values()).map(PcaTemplate::arn).toList() + "."));
    }

    /** The requested algorithm when it is of the CA key's family; InvalidArgsException, in AWS's words, if not. */
    private static PcaSigningAlgorithm signing(Authority ca, String requested) throws AwsError {
        Optional<PcaSigningAlgorithm> algorithm = PcaSigningAlgorithm.of(requested);
        if (algorithm.isPresent() && algorithm.get().family() == ca.keyAlgorithm().family()) {
            return algorithm.get();
        }
        throw AwsError.badRequest("InvalidArgsException", "Signing algorithm " + requested
                + " cannot be used with key type " + ca.keyAlgorithm().name() + ". Valid signing algorithms are: "
                + String.join(", ", ca.keyAlgorithm().signingAlgorithms().stream().map(Enum::name).toList()) + ".");
    }

    /** The ARN issued for the same request under the same token less than five minutes ago, if any. */
    private Optional<String> repeated(Issue issue, Instant now) {
        if (issue.idempotencyToken() == null) {
            return Optional.empty();
        }
        Token token = tokens.get(issue.certificateAuthorityArn() + "|" + issue.idempotencyToken());
        if (token == null || !token.fingerprint().equals(issue.fingerprint())
                || !now.isBefore(token.at().plus(IDEMPOTENCY_WINDOW))) {
            return Optional.empty();
        }
        return Optional.of(token.certificateArn());
    }

    private static Instant notBefore(PcaValidity validityNotBefore, Instant now) throws AwsError {
        if (validityNotBefore == null) {
            return now.truncatedTo(ChronoUnit.SECONDS).minus(BACKDATING);
        }
        if (!"ABSOLUTE".equals(validityNotBefore.type())) {
            throw AwsError.validation("ValidityNotBefore must be of type ABSOLUTE, not " + validityNotBefore.type()
                    + ".");
        }
        return validityNotBefore.resolve(now);
    }
}
