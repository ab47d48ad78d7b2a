package dev.mtlscli.workspace;

import dev.mtlscli.aws.KmsCaKeyPolicy;
import dev.mtlscli.pki.KmsCaKeys;
import dev.mtlscli.pki.KmsCertificateAuthority;
import dev.mtlscli.pki.KmsKey;
import dev.mtlscli.pki.KmsSigningAlgorithm;
import dev.mtlscli.spec.ResolvedSpec;
import software.amazon.awssdk.services.kms.KmsClient;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * A root CA per service whose private key is a KMS key: made for the service (see
 * {@link KmsCaKeys}) or adopted. The root is self-signed through KMS; the key's ARN is recorded in
 * the workspace ({@link WorkspaceLayout#caKmsKey}) so that later commands (rotate) sign with it again.
 */
public final class KmsCaSource implements CaSource {
    private final Function<String, KmsKey> keys;
    private final KmsSigningAlgorithm signingAlgorithm;
    private final SecureRandom random;

    private KmsCaSource(Function<String, KmsKey> keys, KmsSigningAlgorithm signingAlgorithm, SecureRandom random) {
        this.keys = keys;
        this.signingAlgorithm = signingAlgorithm;
        this.random = random;
    }

    /**
     * A key per service, made (or found, from an earlier run) with the key spec and a key policy
     * that lets the caller and the signer roles sign ({@link KmsCaKeyPolicy}).
     *
     * @param callerArn        the caller, as STS GetCallerIdentity names it
     * @param signingAlgorithm the algorithm asked for, null for the key's usual one
     */
    public static KmsCaSource created(KmsClient kms, String region, String keySpec, String callerArn, List<String> signerRoles,
                                      KmsSigningAlgorithm signingAlgorithm, SecureRandom random) {
        KmsCaKeys.keySpec(keySpec);
        signerRoles.forEach(KmsCaKeyPolicy::signerRole);
        if (signingAlgorithm != null) {
            signingAlgorithm.requireFits(keySpec);
        }
        KmsCaKeys keys = new KmsCaKeys(kms, region);
        return new KmsCaSource(service -> keys.keyFor(service, keySpec, KmsCaKeyPolicy.document(service, callerArn, signerRoles)),
                signingAlgorithm, random);
    }

    /**
     * An existing key as the CA key of one service, checked ({@link KmsKey#connect}, and that the
     * signing algorithm fits it) before anything is signed or written.
     */
    public static KmsCaSource adopted(KmsClient kms, String region, String keyId, KmsSigningAlgorithm signingAlgorithm,
                                      SecureRandom random) {
        KmsKey key = KmsKey.connect(kms, keyId, region);
        key.signingAlgorithm(signingAlgorithm);
        return new KmsCaSource(service -> key, signingAlgorithm, random);
    }

    @Override
    public ServiceCa forService(ResolvedSpec.Service service, Instant now) {
        KmsKey key = keys.apply(service.name());
        KmsCertificateAuthority ca = KmsCertificateAuthority.createRoot(key, key.signingAlgorithm(signingAlgorithm),
                service.ca().subject(), service.ca().validityDays(), now, random);
        return new ServiceCa(ca, null, null, key.arn());
    }

    @Override
    public boolean keepsCaKey() {
        return false;
    }
}
