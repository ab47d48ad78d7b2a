package dev.mtlscli.store;


import dev.mtlscli.MtlsException;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBEParameter;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;

import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;

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

    /**
     * Far above any real use (openssl's default is 2048, ours 10 000, the JDK caps PKCS12 at
     * 5 million), far below the 2^31-1 with which a crafted key file keeps a run busy for days.
     */
    static final int MAX_ITERATIONS = 10_000_000;

    static PrivateKey decrypt(byte[] der, char[] password, String source) {
        checkIterations(der, source);
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

    /** Reads the KDF's iteration count from the structure, before any key derivation runs. */
    private static void checkIterations(byte[] der, String source) {
        BigInteger iterations;
        try {
            iterations = iterations(org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo.getInstance(der).getEncryptionAlgorithm());
        } catch (RuntimeException e) {
            throw new MtlsException("the encrypted private key in " + source + " is corrupted");
        }
        if (iterations == null) {
            return; // scrypt and others: the JDK does not offer them, decrypt() refuses the scheme
        }
        if (iterations.signum() <= 0 || iterations.compareTo(BigInteger.valueOf(MAX_ITERATIONS)) > 0) {
            throw new MtlsException("the encrypted private key in " + source + " asks for " + iterations
                    + " key-derivation iterations, outside the 1 to " + MAX_ITERATIONS + " mtls-cli accepts; "
                    + "re-encrypt it with fewer (openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 100000)");
        }
    }

    /**
     * The key-derivation rounds a password-based encryption scheme asks for, read from its
     * parameters (PBES2 with PBKDF2, the PKCS#12 PBE schemes, PBES1); null for a KDF other than PBKDF2.
     */
    static BigInteger iterations(AlgorithmIdentifier algorithm) {
        if (PKCSObjectIdentifiers.id_PBES2.equals(algorithm.getAlgorithm())) {
            KeyDerivationFunc kdf = PBES2Parameters.getInstance(algorithm.getParameters()).getKeyDerivationFunc();
            if (!PKCSObjectIdentifiers.id_PBKDF2.equals(kdf.getAlgorithm())) {
                return null;
            }
            return PBKDF2Params.getInstance(kdf.getParameters()).getIterationCount();
        } else if (algorithm.getAlgorithm().on(PKCSObjectIdentifiers.pkcs_12PbeIds)) {
            return PKCS12PBEParams.getInstance(algorithm.getParameters()).getIterations();
        }
        return PBEParameter.getInstance(algorithm.getParameters()).getIterationCount();
    }
}
