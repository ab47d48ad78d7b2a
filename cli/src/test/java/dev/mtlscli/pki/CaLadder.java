package dev.mtlscli.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;

/**
 * A chain of real signed certificates: a root, then intermediates, each issuing the next, then a
 * leaf; {@code chain} is leaf first, and the leaf's key is kept so it can serve the chain.
 */
record CaLadder(List<X509Certificate> chain, PrivateKey leafKey) {

    static CaLadder of(int length) throws Exception {
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
        return new CaLadder(List.copyOf(chain), subjectKeys.getPrivate());
    }

    X509Certificate root() {
        return chain.get(chain.size() - 1);
    }
}
