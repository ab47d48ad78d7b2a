package dev.mtlscli.cmd;

import dev.mtlscli.layer.PlannedCall;
import dev.mtlscli.pki.KmsCaKeys;
import dev.mtlscli.spec.ResolvedSpec;

import java.util.ArrayList;
import java.util.List;

/** The KMS calls of `certs create --ca aws-kms`, for --dry-run. */
final class KmsCaPlan {
    private KmsCaPlan() {
    }

    /**
     * @param keyId       the adopted key (--kms-key-id), or null when a key is made per service
     * @param signerRoles the --signer-role ARNs the key policy lets sign, besides the caller
     * @param offlineRoot whether a local offline root signs the key's intermediate (--offline-root)
     */
    static List<PlannedCall> calls(String keyId, String keySpec, List<String> signerRoles, String signingAlgorithm,
                                   boolean offlineRoot, ResolvedSpec spec) {
        List<PlannedCall> calls = new ArrayList<>();
        if (keyId == null) {
            calls.add(new PlannedCall("sts", "GetCallerIdentity", "-", "the caller, who may sign"
                    + (offlineRoot ? "" : " (to self-sign each root)"), null));
        }
        for (ResolvedSpec.Service service : spec.services()) {
            String key = keyId;
            if (keyId == null) {
                key = KmsCaKeys.alias(service.name());
                calls.add(new PlannedCall("kms", "DescribeKey", key, "finds the key an earlier run made for " + service.name(), null));
                calls.add(new PlannedCall("kms", "CreateKey", key, keySpec + " SIGN_VERIFY, tag " + KmsCaKeys.SERVICE_TAG + "="
                        + service.name() + ", a key policy: the account administers without kms:Sign; kms:Sign, kms:GetPublicKey "
                        + "and kms:DescribeKey for the caller" + (signerRoles.isEmpty() ? "" : " and " + String.join(", ", signerRoles)),
                        "the alias names no key yet"));
                calls.add(new PlannedCall("kms", "CreateAlias", key, "names the new key", "the key was just made"));
                calls.add(new PlannedCall("kms", "ListResourceTags, GetKeyPolicy, PutKeyPolicy", key,
                        "checks the key is mtls-cli's for " + service.name() + " and sets that key policy", "the alias names a key"));
            }
            calls.add(new PlannedCall("kms", "DescribeKey, GetPublicKey", key, "checks the key can sign and reads its public key",
                    null));
            String algorithm = signingAlgorithm == null ? "the key's usual algorithm" : signingAlgorithm;
            String leaves = "the server '" + service.server().subject() + "' and the client '" + service.client().subject() + "' ("
                    + service.keyAlgorithm().id() + " keys made locally), with " + algorithm;
            if (offlineRoot) {
                calls.add(new PlannedCall("kms", "Sign (MessageType DIGEST) x2", key, leaves + "; the offline root '"
                        + service.ca().subject() + "' (" + service.ca().validityDays() + " days, " + service.keyAlgorithm().id()
                        + ") is made locally, kept in the --offline-root directory, and signs the key's intermediate", null));
            } else {
                calls.add(new PlannedCall("kms", "Sign (MessageType DIGEST) x3", key, "the root '" + service.ca().subject()
                        + "' (" + service.ca().validityDays() + " days), " + leaves, null));
            }
        }
        return calls;
    }
}
