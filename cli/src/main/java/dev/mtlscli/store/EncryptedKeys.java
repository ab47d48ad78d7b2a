package dev.mtlscli.store;

import dev.mtlscli.MtlsException;

import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;

/**
 * PKCS#8 EncryptedPrivateKeyInfo with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), done with the
 * JDK's own PBE cipher. BouncyCastle's JCE builders ask for "AES/CBC/PKCS7Padding", a name
 * only the BC provider knows, and registering BC would cost every run its start-up time.
 */
final class EncryptedKeys {
    private static final String PBES2 = "PBEWithHmacSHA256AndAES_256";

    private EncryptedKeys() {
    }

    static byte[] encrypt(PrivateKey key, char[] password, int iterations, SecureRandom random) {
        try {
            byte[] salt = new byte[16];
            byte[] iv = new byte[16];
            random.nextBytes(salt);
            random.nextBytes(iv);
            SecretKey secret = SecretKeyFactory.getInstance(PBES2).generateSecret(new PBEKeySpec(password));
            Cipher cipher = Cipher.getInstance(PBES2);
            cipher.init(Cipher.ENCRYPT_MODE, secret, new PBEParameterSpec(salt, iterations, new IvParameterSpec(iv)), random);
            byte[] encrypted = cipher.doFinal(key.getEncoded());
            // The JDK cannot name PBES2 when it encodes the structure, so BouncyCastle's ASN.1 does.
            AlgorithmIdentifier algorithm = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2,
                    PBES2Parameters.getInstance(cipher.getParameters().getEncoded()));
            return new org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo(algorithm, encrypted).getEncoded();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot encrypt the private key with " + PBES2, e);
        }
    }

    static PrivateKey decrypt(byte[] der, char[] password, String source) {
        PKCS8EncodedKeySpec spec;
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            // For PBES2 the JDK names the scheme only through its parameters
            // ("PBEWithHmacSHA256AndAES_256"); getAlgName() says just "PBES2", which no cipher is.
            String algorithm = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
            Cipher cipher = Cipher.getInstance(algorithm);
            SecretKey secret = SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(password));
            cipher.init(Cipher.DECRYPT_MODE, secret, info.getAlgParameters());
            spec = info.getKeySpec(cipher);
        } catch (IOException e) {
            throw new MtlsException("the encrypted private key in " + source + " is corrupted");
        } catch (NoSuchAlgorithmException e) {
            throw new MtlsException("the private key in " + source + " is encrypted with an unsupported scheme");
        } catch (GeneralSecurityException e) {
            throw new MtlsException("wrong password for the encrypted private key in " + source);
        }
        for (String algorithm : new String[] {"EC", "RSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next key type
            }
        }
        throw new MtlsException("the private key in " + source + " is neither EC nor RSA");
    }
}
