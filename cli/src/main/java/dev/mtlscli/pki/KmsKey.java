package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.Arns;
import dev.mtlscli.aws.KmsCalls;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Map;

/**
 * An asymmetric KMS key that can be a CA's key, checked before anything is signed with it:
 * DescribeKey says it is a SIGN_VERIFY key of a type the certificate floor allows, enabled, in
 * the region called; GetPublicKey gives its public key and the signing algorithms KMS allows
 * with it. The private key never leaves KMS.
 */
public final class KmsKey {
    /** The KMS key specs a CA may have, with the key type of mtls-cli they are. */
    private static final Map<String, KeyAlgorithm> SPECS = Map.of(
            "ECC_NIST_P256", KeyAlgorithm.EC_P256,
            "ECC_NIST_P384", KeyAlgorithm.EC_P384,
            "RSA_2048", KeyAlgorithm.RSA_2048,
            "RSA_3072", KeyAlgorithm.RSA_3072,
            "RSA_4096", KeyAlgorithm.RSA_4096);
    static final String USABLE = "an asymmetric SIGN_VERIFY key of ECC_NIST_P256, ECC_NIST_P384 or RSA_2048/3072/4096";

    private final KmsClient client;
    private final String arn;
    private final String keySpec;
    private final PublicKey publicKey;
    private final List<SigningAlgorithmSpec> signingAlgorithms;

    private KmsKey(KmsClient client, String arn, String keySpec, PublicKey publicKey, List<SigningAlgorithmSpec> signingAlgorithms) {
        this.client = client;
        this.arn = arn;
        this.keySpec = keySpec;
        this.publicKey = publicKey;
        this.signingAlgorithms = List.copyOf(signingAlgorithms);
    }

    /**
     * Checks the key and reads its public key; refuses, in one line naming the key, one that
     * cannot sign certificates now.
     *
     * @param keyId  a key id, key ARN, alias/NAME or alias ARN
     * @param region the region {@code client} calls
     */
    public static KmsKey connect(KmsClient client, String keyId, String region) {
        KeyMetadata metadata = KmsCalls.call("DescribeKey", keyId, region, () -> client.describeKey(b -> b.keyId(keyId)).keyMetadata());
        String arn = metadata.arn();
        if (arn == null || !region.equals(Arns.region(arn))) {
            throw new MtlsException("KMS in " + region + " answered DescribeKey of " + keyId + " with the key " + arn
                    + " of another region; a CA key is used in its own region");
        }
        String spec = metadata.keySpecAsString();
        if ("SYMMETRIC_DEFAULT".equals(spec)) {
            throw new MtlsException("KMS key " + arn + " is a symmetric key (SYMMETRIC_DEFAULT), which cannot sign certificates; "
                    + "a CA needs " + USABLE);
        }
        if (metadata.keyUsage() != KeyUsageType.SIGN_VERIFY) {
            throw new MtlsException("KMS key " + arn + " is a " + metadata.keyUsageAsString() + " key, which cannot sign certificates; "
                    + "a CA needs " + USABLE);
        }
        if (!SPECS.containsKey(spec)) {
            throw new MtlsException("KMS key " + arn + " is a " + spec + " key, which mtls-cli cannot use as a CA key; it needs " + USABLE);
        }
        requireEnabled(metadata, arn);
        GetPublicKeyResponse answer = KmsCalls.call("GetPublicKey", arn, region, () -> client.getPublicKey(b -> b.keyId(arn)));
        if (!spec.equals(answer.keySpecAsString()) || answer.keyUsage() != KeyUsageType.SIGN_VERIFY) {
            throw new MtlsException("KMS GetPublicKey of " + arn + " answered a " + answer.keySpecAsString() + " "
                    + answer.keyUsageAsString() + " key, but DescribeKey a " + spec + " SIGN_VERIFY one");
        }
        PublicKey publicKey = publicKey(answer, arn);
        KeyAlgorithm expected = SPECS.get(spec);
        if (KeyAlgorithm.of(publicKey) != expected) {
            throw new MtlsException("the public key KMS returned for " + arn + " is " + KeyAlgorithm.of(publicKey) + ", not the "
                    + spec + " key DescribeKey describes");
        }
        KeyPolicy.keyViolation(publicKey).ifPresent(violation -> {
            throw new MtlsException("KMS key " + arn + ": " + violation);
        });
        return new KmsKey(client, arn, spec, publicKey, answer.signingAlgorithms());
    }

    private static void requireEnabled(KeyMetadata metadata, String arn) {
        KeyState state = metadata.keyState();
        if (state == KeyState.ENABLED) {
            return;
        }
        if (state == KeyState.DISABLED) {
            throw new MtlsException("KMS key " + arn + " is disabled, so it cannot sign; enable it (aws kms enable-key --key-id "
                    + arn + ") or use another key");
        }
        if (state == KeyState.PENDING_DELETION) {
            throw new MtlsException("KMS key " + arn + " is pending deletion" + (metadata.deletionDate() == null ? ""
                    : " (on " + metadata.deletionDate() + ")") + ", so it cannot sign; to keep it, run aws kms cancel-key-deletion "
                    + "--key-id " + arn + " and aws kms enable-key --key-id " + arn);
        }
        throw new MtlsException("KMS key " + arn + " is " + metadata.keyStateAsString() + ", not Enabled, so it cannot sign");
    }

    private static PublicKey publicKey(GetPublicKeyResponse answer, String arn) {
        if (answer.publicKey() == null) {
            throw new MtlsException("KMS GetPublicKey of " + arn + " answered no public key");
        }
        String type = answer.keySpecAsString().startsWith("RSA") ? "RSA" : "EC";
        try {
            return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(answer.publicKey().asByteArray()));
        } catch (GeneralSecurityException e) {
            throw new MtlsException("KMS GetPublicKey of " + arn + " answered a public key that is not a " + type
                    + " SubjectPublicKeyInfo: " + e.getMessage());
        }
    }

    /**
     * The algorithm to sign with: the one asked for if it fits the key (and KMS lists it for the
     * key), else the usual one ({@link KmsSigningAlgorithm#usual}).
     *
     * @param requested null for the usual one
     */
    public KmsSigningAlgorithm signingAlgorithm(KmsSigningAlgorithm requested) {
        KmsSigningAlgorithm algorithm = requested != null ? requested : KmsSigningAlgorithm.usual(keySpec);
        if (!algorithm.fits(keySpec) || !signingAlgorithms.contains(algorithm.spec())) {
            throw new MtlsException("the signing algorithm " + algorithm + " does not fit KMS key " + arn + " (" + keySpec
                    + "), which signs with " + signingAlgorithms.stream().map(SigningAlgorithmSpec::toString).toList());
        }
        return algorithm;
    }

    KmsClient client() {
        return client;
    }

    public String arn() {
        return arn;
    }

    public String keySpec() {
        return keySpec;
    }

    public PublicKey publicKey() {
        return publicKey;
    }
}
