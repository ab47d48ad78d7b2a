package dev.mtlscli.store;

import dev.mtlscli.MtlsException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.AuthenticatedSafe;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.pkcs.SafeBag;

import java.math.BigInteger;

/**
 * Bounds the key derivations a PKCS12 file makes its reader do, counted from its structure
 * before the JDK derives a single key. The JDK caps each derivation (5 million rounds), not the
 * file: ten encrypted SafeContents just under the cap keep a run busy for minutes. The rounds of
 * the MAC, of every encrypted SafeContents and of every shrouded key bag in the clear are summed.
 */
final class Pkcs12Work {
    /**
     * About six seconds of PBKDF2 in a cold JVM; real files ask for a few ten thousand in all
     * (keytool: 3 x 10 000, openssl: 3 x 2048, ours: 3 x 10 000).
     */
    static final long MAX_TOTAL_ROUNDS = 2_000_000;

    private Pkcs12Work() {
    }

    static void check(byte[] der, String source) {
        BigInteger total = BigInteger.ZERO;
        try {
            Pfx pfx = Pfx.getInstance(ASN1Sequence.getInstance(der));
            MacData mac = pfx.getMacData();
            if (mac != null) {
                total = total.add(mac.getIterationCount());
            }
            ContentInfo authSafe = pfx.getAuthSafe();
            if (!PKCSObjectIdentifiers.data.equals(authSafe.getContentType())) {
                return; // public-key integrity mode: the JDK refuses it without deriving anything
            }
            AuthenticatedSafe safe = AuthenticatedSafe.getInstance(ASN1OctetString.getInstance(authSafe.getContent()).getOctets());
            for (ContentInfo info : safe.getContentInfo()) {
                if (PKCSObjectIdentifiers.encryptedData.equals(info.getContentType())) {
                    total = total.add(rounds(EncryptedData.getInstance(info.getContent()).getEncryptionAlgorithm()));
                } else if (PKCSObjectIdentifiers.data.equals(info.getContentType())) {
                    ASN1Sequence bags = ASN1Sequence.getInstance(ASN1OctetString.getInstance(info.getContent()).getOctets());
                    for (ASN1Encodable element : bags) {
                        SafeBag bag = SafeBag.getInstance(element);
                        if (PKCSObjectIdentifiers.pkcs8ShroudedKeyBag.equals(bag.getBagId())) {
                            total = total.add(rounds(EncryptedPrivateKeyInfo.getInstance(bag.getBagValue()).getEncryptionAlgorithm()));
                        }
                    }
                }
                if (total.compareTo(BigInteger.valueOf(MAX_TOTAL_ROUNDS)) > 0) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            // not a structure BouncyCastle reads as PKCS12: the JDK's load says what is wrong with it
            return;
        }
        if (total.compareTo(BigInteger.valueOf(MAX_TOTAL_ROUNDS)) > 0) {
            throw new MtlsException(source + " asks for more than " + MAX_TOTAL_ROUNDS
                    + " key-derivation rounds in all (its MAC, encrypted contents and keys summed), more than mtls-cli"
                    + " does for one file; re-export it with the default iteration counts (openssl pkcs12 -export, keytool -importkeystore)");
        }
    }

    private static BigInteger rounds(org.bouncycastle.asn1.x509.AlgorithmIdentifier algorithm) {
        BigInteger rounds = EncryptedKeys.iterations(algorithm);
        return rounds == null ? BigInteger.ZERO : rounds.max(BigInteger.ZERO);
    }
}
