package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The certificate profiles of DESIGN.md decision 8, checked on certificates the local CA issues. */
class CertificateProfilesTest {
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    // java.security.cert.X509Certificate#getKeyUsage indexes
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_ENCIPHERMENT = 2;
    private static final int KEY_CERT_SIGN = 5;
    private static final int CRL_SIGN = 6;

    private static final SecureRandom RANDOM = new SecureRandom();

    static LocalCertificateAuthority ecCa;
    static KeyPair ecLeafKeys;
    static LocalCertificateAuthority rsaCa;
    static KeyPair rsaLeafKeys;

    @BeforeAll
    static void createCas() {
        ecCa = LocalCertificateAuthority.createRoot("CN=Profiles EC Root CA,O=mtls-cli test", KeyAlgorithm.EC_P256, 3650,
                Instant.now(), RANDOM);
        ecLeafKeys = KeyAlgorithm.EC_P256.generate(RANDOM);
        rsaCa = LocalCertificateAuthority.createRoot("CN=Profiles RSA Root CA", KeyAlgorithm.RSA_2048, 3650,
                Instant.now(), RANDOM);
        rsaLeafKeys = KeyAlgorithm.RSA_2048.generate(RANDOM);
    }

    private static X509Certificate server(LocalCertificateAuthority ca, KeyPair keys) {
        return ca.issue(new LeafRequest("CN=svc.example.com", CertificateProfile.SERVER, keys, 365,
                List.of("svc.example.com", "*.svc.example.com"), List.of("10.1.2.3", "2001:db8::7"))).get(0);
    }

    private static X509Certificate client(LocalCertificateAuthority ca, KeyPair keys) {
        return ca.issue(new LeafRequest("CN=svc client", CertificateProfile.CLIENT, keys, 365, List.of(), List.of())).get(0);
    }

    // ---------------------------------------------------------------- root CA

    @Test
    void caBasicConstraintsAreCriticalWithPathLenZero() throws Exception {
        X509Certificate ca = ecCa.rootCertificate();
        assertEquals(0, ca.getBasicConstraints(), "a CA with pathLen 0");
        assertTrue(ca.getCriticalExtensionOIDs().contains(BASIC_CONSTRAINTS), "basicConstraints must be critical");
        BasicConstraints parsed = BasicConstraints.fromExtensions(holder(ca).getExtensions());
        assertTrue(parsed.isCA());
        assertEquals(BigInteger.ZERO, parsed.getPathLenConstraint());
    }

    @Test
    void caKeyUsageIsCertAndCrlSigningOnlyAndCritical() {
        X509Certificate ca = ecCa.rootCertificate();
        boolean[] usage = ca.getKeyUsage();
        assertNotNull(usage);
        assertTrue(usage[KEY_CERT_SIGN], "keyCertSign");
        assertTrue(usage[CRL_SIGN], "cRLSign");
        for (int i = 0; i < usage.length; i++) {
            if (i != KEY_CERT_SIGN && i != CRL_SIGN) {
                assertFalse(usage[i], "unexpected key usage bit " + i);
            }
        }
        assertTrue(ca.getCriticalExtensionOIDs().contains(KEY_USAGE), "keyUsage must be critical");
        assertNull(ca.getExtensionValue(EXTENDED_KEY_USAGE), "a root CA carries no EKU");
    }

    @Test
    void caIsSelfSignedWithASubjectKeyIdentifier() throws Exception {
        X509Certificate ca = ecCa.rootCertificate();
        assertEquals(ca.getSubjectX500Principal(), ca.getIssuerX500Principal());
        ca.verify(ca.getPublicKey());
        assertEquals(3, ca.getVersion(), "X.509 v3");
        SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(holder(ca).getExtensions());
        assertNotNull(ski, "SKI present");
        assertEquals(20, ski.getKeyIdentifier().length, "SHA-1 key identifier (RFC 5280 method 1)");
    }

    @Test
    void p384CaSignsWithSha384() throws Exception {
        LocalCertificateAuthority ca = LocalCertificateAuthority.createRoot("CN=P-384 Root CA", KeyAlgorithm.EC_P384, 3650,
                Instant.now(), RANDOM);
        assertEquals("SHA384withECDSA", ca.rootCertificate().getSigAlgName());
        X509Certificate leaf = client(ca, KeyAlgorithm.EC_P384.generate(RANDOM));
        assertEquals("SHA384withECDSA", leaf.getSigAlgName());
        leaf.verify(ca.rootCertificate().getPublicKey());
    }

    @Test
    void p256AndRsaCasSignWithSha256() {
        assertEquals("SHA256withECDSA", ecCa.rootCertificate().getSigAlgName());
        assertEquals("SHA256withRSA", rsaCa.rootCertificate().getSigAlgName());
        assertEquals("SHA256withRSA", server(rsaCa, rsaLeafKeys).getSigAlgName());
    }

    @Test
    void caValidityIsTheRequestedDaysAndBackdated() {
        Instant now = Instant.now();
        LocalCertificateAuthority ca = LocalCertificateAuthority.createRoot("CN=Validity CA", KeyAlgorithm.EC_P256, 10,
                now, RANDOM);
        Instant notBefore = ca.rootCertificate().getNotBefore().toInstant();
        Instant notAfter = ca.rootCertificate().getNotAfter().toInstant();
        assertFalse(notBefore.isAfter(now.minus(Duration.ofMinutes(4))), "backdated for clock skew: " + notBefore);
        assertEquals(Duration.ofDays(10), Duration.between(notBefore, notAfter));
    }

    // ---------------------------------------------------------------- leaves

    @Test
    void leafAuthorityKeyIdentifierIsTheCaSubjectKeyIdentifier() throws Exception {
        byte[] caSki = SubjectKeyIdentifier.fromExtensions(holder(ecCa.rootCertificate()).getExtensions()).getKeyIdentifier();
        for (X509Certificate leaf : List.of(server(ecCa, ecLeafKeys), client(ecCa, ecLeafKeys))) {
            X509CertificateHolder holder = holder(leaf);
            AuthorityKeyIdentifier aki = AuthorityKeyIdentifier.fromExtensions(holder.getExtensions());
            assertNotNull(aki, "AKI present");
            assertArrayEquals(caSki, aki.getKeyIdentifier(), "leaf AKI must equal the CA's SKI");
            assertNotNull(SubjectKeyIdentifier.fromExtensions(holder.getExtensions()), "leaf SKI present");
            assertFalse(holder.getExtension(Extension.authorityKeyIdentifier).isCritical());
        }
    }

    @Test
    void serverCertificateProfile() throws Exception {
        X509Certificate server = server(ecCa, ecLeafKeys);

        assertEquals(-1, server.getBasicConstraints(), "a leaf is not a CA");
        assertTrue(server.getCriticalExtensionOIDs().contains(BASIC_CONSTRAINTS));
        assertEquals(List.of(SERVER_AUTH), server.getExtendedKeyUsage());
        assertTrue(server.getCriticalExtensionOIDs().contains(KEY_USAGE));
        assertFalse(server.getCriticalExtensionOIDs().contains(SUBJECT_ALT_NAME),
                "SAN is not critical when the subject is not empty");

        Collection<List<?>> sans = server.getSubjectAlternativeNames();
        assertNotNull(sans, "SAN on every server certificate");
        List<String> dns = new ArrayList<>();
        List<InetAddress> ips = new ArrayList<>();
        for (List<?> san : sans) {
            switch ((Integer) san.get(0)) {
                case 2 -> dns.add((String) san.get(1));
                case 7 -> ips.add(InetAddress.getByName((String) san.get(1)));
                default -> throw new AssertionError("unexpected SAN type " + san);
            }
        }
        assertEquals(List.of("svc.example.com", "*.svc.example.com"), dns);
        assertEquals(List.of(InetAddress.getByName("10.1.2.3"), InetAddress.getByName("2001:db8::7")), ips);
        assertEquals(4, ips.get(0).getAddress().length, "IPv4 encoded in 4 bytes");
        assertEquals(16, ips.get(1).getAddress().length, "IPv6 encoded in 16 bytes");

        server.verify(ecCa.rootCertificate().getPublicKey());
        assertEquals(ecCa.rootCertificate().getSubjectX500Principal(), server.getIssuerX500Principal());
    }

    @Test
    void clientCertificateProfile() throws Exception {
        X509Certificate client = client(ecCa, ecLeafKeys);
        assertEquals(List.of(CLIENT_AUTH), client.getExtendedKeyUsage());
        assertEquals(-1, client.getBasicConstraints());
        assertNull(client.getSubjectAlternativeNames(), "no SAN was asked for");
        client.verify(ecCa.rootCertificate().getPublicKey());
    }

    @Test
    void issueReturnsTheLeafThenTheRoot() {
        List<X509Certificate> chain = ecCa.issue(new LeafRequest("CN=chain", CertificateProfile.CLIENT, ecLeafKeys, 1,
                List.of(), List.of()));
        assertEquals(2, chain.size());
        assertEquals(ecLeafKeys.getPublic(), chain.get(0).getPublicKey());
        assertEquals(ecCa.rootCertificate(), chain.get(1));
        assertTrue(ChainVerifier.verifies(chain));
    }

    @Test
    void keyEnciphermentOnlyForRsaLeaves() {
        for (X509Certificate ec : List.of(server(ecCa, ecLeafKeys), client(ecCa, ecLeafKeys))) {
            boolean[] usage = ec.getKeyUsage();
            assertTrue(usage[DIGITAL_SIGNATURE], "digitalSignature on EC leaves");
            assertFalse(usage[KEY_ENCIPHERMENT], "EC keys never encipher");
            assertFalse(usage[KEY_CERT_SIGN], "a leaf cannot sign certificates");
        }
        for (X509Certificate rsa : List.of(server(rsaCa, rsaLeafKeys), client(rsaCa, rsaLeafKeys))) {
            boolean[] usage = rsa.getKeyUsage();
            assertTrue(usage[DIGITAL_SIGNATURE], "digitalSignature on RSA leaves");
            assertTrue(usage[KEY_ENCIPHERMENT], "keyEncipherment on RSA leaves");
            assertFalse(usage[KEY_CERT_SIGN]);
        }
    }

    @Test
    void serialsArePositiveDistinctAndLong() {
        Set<BigInteger> serials = new HashSet<>();
        serials.add(ecCa.rootCertificate().getSerialNumber());
        int atLeast64 = 0;
        int maxBits = 0;
        int issued = 200;
        for (int i = 0; i < issued; i++) {
            BigInteger serial = ecCa.issue(new LeafRequest("CN=serial " + i, CertificateProfile.CLIENT, ecLeafKeys, 1,
                    List.of(), List.of())).get(0).getSerialNumber();
            assertEquals(1, serial.signum(), "serials are positive: " + serial);
            assertTrue(serial.bitLength() <= 159, "at most 20 octets (RFC 5280): " + serial.bitLength());
            assertTrue(serials.add(serial), "duplicate serial " + serial);
            if (serial.bitLength() >= 64) {
                atLeast64++;
            }
            maxBits = Math.max(maxBits, serial.bitLength());
        }
        // 128 random bits: a serial under 64 bits has probability 2^-64
        assertTrue(atLeast64 >= issued - 1, atLeast64 + " of " + issued + " serials had 64+ bits");
        assertTrue(maxBits >= 120, "no serial reached 120 bits; max " + maxBits);
    }

    // ---------------------------------------------------------------- validity

    @Test
    void leafValidityIsTheRequestedDays() {
        X509Certificate leaf = ecCa.issue(new LeafRequest("CN=valid", CertificateProfile.CLIENT, ecLeafKeys, 7,
                List.of(), List.of())).get(0);
        assertEquals(Duration.ofDays(7),
                Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()));
        assertTrue(leaf.getNotBefore().toInstant().isBefore(Instant.now()), "backdated");
    }

    @Test
    void leafValidityBeyondTheCaNotAfterIsRefused() {
        LocalCertificateAuthority ca = LocalCertificateAuthority.createRoot("CN=Short CA", KeyAlgorithm.EC_P256, 30,
                Instant.now(), RANDOM);
        MtlsException e = assertThrows(MtlsException.class, () -> ca.issue(new LeafRequest("CN=too long",
                CertificateProfile.SERVER, ecLeafKeys, 31, List.of("x.example.com"), List.of())));
        assertTrue(e.getMessage().contains("beyond its CA's notAfter"), e.getMessage());
        assertTrue(e.getMessage().contains("31 days"), e.getMessage());
    }

    @Test
    void zeroAndNegativeValidityAreRefused() {
        assertThrows(MtlsException.class, () -> LocalCertificateAuthority.createRoot("CN=Zero CA", KeyAlgorithm.EC_P256, 0,
                Instant.now(), RANDOM));
        assertThrows(MtlsException.class, () -> ecCa.issue(new LeafRequest("CN=negative", CertificateProfile.CLIENT,
                ecLeafKeys, -1, List.of(), List.of())));
    }

    @Test
    void leafRequestCannotAskForACa() {
        assertThrows(IllegalArgumentException.class, () -> new LeafRequest("CN=sneaky", CertificateProfile.ROOT_CA,
                ecLeafKeys, 1, List.of(), List.of()));
    }

    /**
     * `certs create` creates each CA with a `now` taken before any key is generated, then issues
     * the leaves (after generating their keys) with a fresh Instant.now(). The spec check lets a
     * leaf have the same number of days as its CA, so issuing it must not fail just because the
     * clock moved on a second or two since the CA was made; the leaf must still end no later
     * than the CA.
     */
    @Test
    void leafWithTheCaValidityIsIssuedWhenTheCaWasCreatedMomentsEarlier() {
        Instant caCreatedAt = Instant.now().minusSeconds(2);
        LocalCertificateAuthority ca = LocalCertificateAuthority.createRoot("CN=Equal CA", KeyAlgorithm.EC_P256, 30,
                caCreatedAt, RANDOM);

        List<X509Certificate> chain = assertDoesNotThrow(() -> ca.issue(new LeafRequest("CN=equal",
                CertificateProfile.CLIENT, ecLeafKeys, 30, List.of(), List.of())));

        assertFalse(chain.get(0).getNotAfter().after(ca.rootCertificate().getNotAfter()),
                "the leaf may not outlive its CA");
    }

    private static X509CertificateHolder holder(X509Certificate certificate) throws CertificateEncodingException {
        try {
            return new X509CertificateHolder(certificate.getEncoded());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
