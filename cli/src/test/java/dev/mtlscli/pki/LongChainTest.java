package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chains of real signed certificates: twelve long are put together whole, longer than the bound are refused as too long. */
class LongChainTest {

    /** A root, then intermediates, then a leaf: {@code length} certificates, leaf first. */
    private static List<X509Certificate> chain(int length) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        List<X509Certificate> chain = new ArrayList<>();
        KeyPair issuerKeys = generator.generateKeyPair();
        X500Name issuer = new X500Name("CN=CA 0");
        KeyPair subjectKeys = issuerKeys;
        for (int i = 0; i < length; i++) {
            boolean leaf = i == length - 1;
            X500Name subject = leaf ? new X500Name("CN=leaf") : new X500Name("CN=CA " + i);
            if (i > 0) {
                subjectKeys = generator.generateKeyPair();
            }
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(i + 1),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), subject, subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, leaf ? new BasicConstraints(false) : new BasicConstraints(true));
            chain.add(new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate()))));
            issuer = subject;
            issuerKeys = subjectKeys;
        }
        Collections.reverse(chain);
        return chain;
    }

    @Test
    void aTwelveCertificateChainIsBuiltWhole() throws Exception {
        List<X509Certificate> real = chain(12);
        List<X509Certificate> loose = new ArrayList<>(real.subList(1, real.size()));
        Collections.shuffle(loose);

        List<X509Certificate> built = ChainBuilder.build(real.get(0), loose);

        assertEquals(real, built);
        assertTrue(ChainVerifier.endsAtRoot(built));
    }

    @Test
    void aChainLongerThanTheBoundIsRefusedAsTooLong() throws Exception {
        List<X509Certificate> real = chain(ChainBuilder.MAX_LENGTH + 1);

        MtlsException refused = assertThrows(MtlsException.class,
                () -> ChainBuilder.build(real.get(0), real.subList(1, real.size())));

        assertTrue(refused.getMessage().contains("is longer than " + ChainBuilder.MAX_LENGTH + " certificates"), refused.getMessage());
    }
}
