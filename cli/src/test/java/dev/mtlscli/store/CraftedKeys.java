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

    private static byte[] pem(byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return ("-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + body + "\n-----END ENCRYPTED PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
    }
}
