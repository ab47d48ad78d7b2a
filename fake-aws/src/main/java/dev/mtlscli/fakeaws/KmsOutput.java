package dev.mtlscli.fakeaws;

import java.util.Map;

/** The KeyMetadata structure of KMS answers (CreateKey, DescribeKey). */
final class KmsOutput {
    private KmsOutput() {
    }

    static Map<String, Object> keyMetadata(KmsKey key) {
        Map<String, Object> metadata = JsonOutput.ordered(
                "AWSAccountId", key.account,
                "KeyId", key.keyId,
                "Arn", key.arn,
                "CreationDate", JsonOutput.epochSeconds(key.creationDate),
                "Enabled", key.state.equals(KmsKey.ENABLED),
                "Description", key.description,
                "KeyUsage", key.usage,
                "KeyState", key.state);
        if (key.deletionDate != null) {
            metadata.put("DeletionDate", JsonOutput.epochSeconds(key.deletionDate));
        }
        metadata.put("Origin", "AWS_KMS");
        metadata.put("KeyManager", "CUSTOMER");
        metadata.put("CustomerMasterKeySpec", key.spec.name());
        metadata.put("KeySpec", key.spec.name());
        algorithms(key, metadata);
        metadata.put("MultiRegion", false);
        if (key.deletionDate != null) {
            metadata.put("PendingDeletionWindowInDays", (long) key.pendingWindowInDays);
        }
        return metadata;
    }

    /** The algorithms member of a key's usage: SigningAlgorithms, EncryptionAlgorithms or MacAlgorithms. */
    static void algorithms(KmsKey key, Map<String, Object> into) {
        switch (key.usage) {
            case "SIGN_VERIFY":
                into.put("SigningAlgorithms", key.spec.signingAlgorithms().stream().map(Enum::name).toList());
                break;
            case "ENCRYPT_DECRYPT":
                into.put("EncryptionAlgorithms", key.spec.encryptionAlgorithms());
                break;
            case "GENERATE_VERIFY_MAC":
                into.put("MacAlgorithms", key.spec.macAlgorithms());
                break;
            default:
                break;
        }
    }
}
