package dev.mtlscli.store;

import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;

/** Key files made the way an attacker would make them, for the tests of what the tool reads. */
public final class CraftedKeys {
    private CraftedKeys() {
    }

    /**
     * A well-formed PEM "ENCRYPTED PRIVATE KEY" whose PBKDF2 asks for this many iterations; the
     * ciphertext is real (encrypted with 1000 iterations) so only the count is a lie.
     */
    public static byte[] encryptedPemWithIterations(int iterations, String password) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        byte[] real = EncryptedKeys.encrypt(generator.generateKeyPair().getPrivate(), password.toCharArray(), 1000, new SecureRandom());
        EncryptedPrivateKeyInfo info = EncryptedPrivateKeyInfo.getInstance(real);
        PBES2Parameters pbes2 = PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
        PBKDF2Params kdf = PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
        PBKDF2Params slow = new PBKDF2Params(kdf.getSalt(), iterations, kdf.getPrf());
        PBES2Parameters crafted = new PBES2Parameters(new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2, slow),
                EncryptionScheme.getInstance(pbes2.getEncryptionScheme().toASN1Primitive()));
        byte[] der = new EncryptedPrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, crafted),
                info.getEncryptedData()).getEncoded();
        return pem(der);
    }

    /**
     * A PKCS12 whose AuthenticatedSafe holds {@code contents} encrypted SafeContents, each asking
     * for {@code rounds} PKCS#12 PBE rounds (under the JDK's per-derivation cap), with a MAC of
     * 2048 rounds. Only the structure is real: a reader that counts before it derives refuses it
     * without decrypting anything.
     */
    public static byte[] pkcs12WithEncryptedContents(int contents, int rounds) throws IOException {
        SecureRandom random = new SecureRandom();
        org.bouncycastle.asn1.pkcs.ContentInfo[] infos = new org.bouncycastle.asn1.pkcs.ContentInfo[contents];
        for (int i = 0; i < contents; i++) {
            byte[] salt = new byte[20];
            byte[] ciphertext = new byte[512];
            random.nextBytes(salt);
            random.nextBytes(ciphertext);
            AlgorithmIdentifier pbe = new AlgorithmIdentifier(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC,
                    new org.bouncycastle.asn1.pkcs.PKCS12PBEParams(salt, rounds));
            infos[i] = new org.bouncycastle.asn1.pkcs.ContentInfo(PKCSObjectIdentifiers.encryptedData,
                    new org.bouncycastle.asn1.pkcs.EncryptedData(PKCSObjectIdentifiers.data, pbe,
                            new org.bouncycastle.asn1.BEROctetString(ciphertext)));
        }
        byte[] authSafe = new org.bouncycastle.asn1.pkcs.AuthenticatedSafe(infos).getEncoded("DER");
        byte[] macSalt = new byte[20];
        random.nextBytes(macSalt);
        org.bouncycastle.asn1.pkcs.MacData mac = new org.bouncycastle.asn1.pkcs.MacData(
                new org.bouncycastle.asn1.x509.DigestInfo(new AlgorithmIdentifier(
                        org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256), new byte[32]), macSalt, 2048);
        return new org.bouncycastle.asn1.pkcs.Pfx(new org.bouncycastle.asn1.pkcs.ContentInfo(PKCSObjectIdentifiers.data,
                new org.bouncycastle.asn1.DEROctetString(authSafe)), mac).getEncoded("DER");
    }

    private static byte[] pem(byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return ("-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + body + "\n-----END ENCRYPTED PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
    }
}
