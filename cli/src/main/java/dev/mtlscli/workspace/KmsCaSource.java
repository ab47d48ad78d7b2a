package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.KmsCaKeyPolicy;
import dev.mtlscli.pki.CertificateProfile;
import dev.mtlscli.pki.KmsCaKeys;
import dev.mtlscli.pki.KmsCertificateAuthority;
import dev.mtlscli.pki.KmsKey;
import dev.mtlscli.pki.KmsSigningAlgorithm;
import dev.mtlscli.pki.LocalCertificateAuthority;
import dev.mtlscli.spec.ResolvedSpec;
import software.amazon.awssdk.services.kms.KmsClient;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A CA per service whose private key is a KMS key: made for the service (see {@link KmsCaKeys})
 * or adopted. The CA is a root self-signed through KMS, or, under an offline root
 * ({@link #underOfflineRoot}), an intermediate whose certificate a local root signs, the root's
 * key going to the offline directory and never into the workspace. The key's ARN is recorded in
 * the workspace ({@link WorkspaceLayout#caKmsKey}) so that later commands (rotate) sign with it again.
 */
public final class KmsCaSource implements CaSource {
    /** The key of a service, made with a description of its role if it is made. */
    private final BiFunction<String, String, KmsKey> keys;
    private final KmsSigningAlgorithm signingAlgorithm;
    private final SecureRandom random;
    /** Null for a KMS root. */
    private final OfflineRootDirectory offlineRoot;

    private KmsCaSource(BiFunction<String, String, KmsKey> keys, KmsSigningAlgorithm signingAlgorithm, SecureRandom random,
                        OfflineRootDirectory offlineRoot) {
        this.keys = keys;
        this.signingAlgorithm = signingAlgorithm;
        this.random = random;
        this.offlineRoot = offlineRoot;
    }

    /**
     * The same keys as intermediates under a new offline root per service, kept in the staged
     * {@code offlineRoot}. The intermediates sign with their key's usual algorithm, which is what
     * a later renewal signs with.
     */
    public KmsCaSource underOfflineRoot(OfflineRootDirectory offlineRoot) {
        if (signingAlgorithm != null) {
            throw new MtlsException("--kms-signing-algorithm does not apply with --offline-root: a KMS intermediate signs with its "
                    + "key's usual algorithm (ECDSA with the curve's hash, RSASSA_PKCS1_V1_5_SHA_256)");
        }
        return new KmsCaSource(keys, null, random, offlineRoot);
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
        return new KmsCaSource((service, role) -> keys.keyFor(service, keySpec,
                KmsCaKeyPolicy.document(service, callerArn, signerRoles), role),
                signingAlgorithm, random, null);
    }

    /**
     * An existing key as the CA key of one service, checked ({@link KmsKey#connect}, and that the
     * signing algorithm fits it) before anything is signed or written.
     */
    public static KmsCaSource adopted(KmsClient kms, String region, String keyId, KmsSigningAlgorithm signingAlgorithm,
                                      SecureRandom random) {
        KmsKey key = KmsKey.connect(kms, keyId, region);
        key.signingAlgorithm(signingAlgorithm);
        return new KmsCaSource((service, role) -> key, signingAlgorithm, random, null);
    }

    @Override
    public ServiceCa forService(ResolvedSpec.Service service, Instant now) {
        KmsKey key = keys.apply(service.name(), offlineRoot != null ? "intermediate CA" : "root CA");
        if (offlineRoot != null) {
            return new ServiceCa(intermediate(service, key, now), null, null, key.arn());
        }
        KmsCertificateAuthority ca = KmsCertificateAuthority.createRoot(key, key.signingAlgorithm(signingAlgorithm),
                service.ca().subject(), service.ca().validityDays(), now, random);
        return new ServiceCa(ca, null, null, key.arn());
    }

    /** A new offline root of the service's subject and key algorithm, kept in DIR, signs the KMS key's intermediate. */
    private KmsCertificateAuthority intermediate(ResolvedSpec.Service service, KmsKey key, Instant now) {
        int days = service.ca().validityDays();
        LocalCertificateAuthority root = LocalCertificateAuthority.createRoot(CertificateProfile.OFFLINE_ROOT_CA,
                service.ca().subject(), service.keyAlgorithm(), days, now, random);
        X509Certificate intermediate = root.signIntermediate(KmsCertificateAuthority.intermediateSubject(root.rootCertificate()),
                key.publicKey(), days);
        KmsCertificateAuthority ca = KmsCertificateAuthority.intermediate(key, intermediate, root.rootCertificate(), random,
                Clock.fixed(now, ZoneOffset.UTC));
        offlineRoot.keep(service.name(), root);
        return ca;
    }

    @Override
    public boolean keepsCaKey() {
        return false;
    }

    @Override
    public List<StagedDirectory> stagedOutputs() {
        return offlineRoot == null ? List.of() : List.of(offlineRoot.staged());
    }
}
