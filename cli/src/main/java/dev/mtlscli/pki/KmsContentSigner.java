package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.Arns;
import dev.mtlscli.aws.KmsCalls;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SignResponse;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Signs one certificate with a KMS key: BouncyCastle writes the to-be-signed bytes here, they
 * are hashed locally and only the digest goes to KMS Sign (MessageType=DIGEST), one call. What
 * KMS answers is verified against the key's public key (from GetPublicKey) before BouncyCastle
 * puts it into the certificate: an answer that does not verify is never used.
 */
final class KmsContentSigner implements ContentSigner {
    private final KmsKey key;
    private final KmsSigningAlgorithm algorithm;
    private final String what;
    private final ByteArrayOutputStream toBeSigned = new ByteArrayOutputStream();

    /** @param what the certificate being signed, for the error messages */
    KmsContentSigner(KmsKey key, KmsSigningAlgorithm algorithm, String what) {
        this.key = key;
        this.algorithm = algorithm;
        this.what = what;
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm.algorithmIdentifier();
    }

    @Override
    public OutputStream getOutputStream() {
        return toBeSigned;
    }

    @Override
    public byte[] getSignature() {
        byte[] message = toBeSigned.toByteArray();
        byte[] digest;
        try {
            digest = MessageDigest.getInstance(algorithm.digest()).digest(message);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + algorithm.digest(), e);
        }
        SignResponse answer = KmsCalls.call("Sign", key.arn(), Arns.region(key.arn()), () -> key.client().sign(b -> b
                .keyId(key.arn())
                .message(SdkBytes.fromByteArray(digest))
                .messageType(MessageType.DIGEST)
                .signingAlgorithm(algorithm.spec())));
        byte[] signature = answer.signature() == null ? new byte[0] : answer.signature().asByteArray();
        if (!algorithm.verifies(key.publicKey(), message, signature)) {
            throw new MtlsException("KMS Sign with " + key.arn() + " answered a signature for " + what
                    + " that does not verify against the key's public key (GetPublicKey); nothing signed by it is used");
        }
        return signature;
    }
}
