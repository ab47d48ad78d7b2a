package dev.mtlscli.fakeaws;

import java.util.Map;

/**
 * AWS KMS on the wire (AWS JSON 1.1, target prefix {@code TrentService}, signing name
 * {@code kms}) over the state in {@link FakeKms}: keys, signatures, aliases, tags, key policies
 * (enforced on every call on a key) and key states.
 */
final class KmsService implements JsonTargetService {
    private final KmsKeyOperations keys;
    private final KmsSignatureOperations signatures;
    private final KmsLabelOperations labels;
    private final KmsLifecycleOperations lifecycle;

    KmsService(FakeKms state) {
        KmsKeyAccess access = new KmsKeyAccess(state);
        this.keys = new KmsKeyOperations(access);
        this.signatures = new KmsSignatureOperations(access);
        this.labels = new KmsLabelOperations(access);
        this.lifecycle = new KmsLifecycleOperations(access);
    }

    @Override
    public String signingName() {
        return "kms";
    }

    @Override
    public String targetPrefix() {
        return "TrentService";
    }

    @Override
    public String contentType() {
        return "application/x-amz-json-1.1";
    }

    @Override
    public Map<String, Object> call(String operation, Map<String, Object> input) throws AwsError {
        switch (operation) {
            case "CreateKey":
                return keys.createKey(input);
            case "ListKeys":
                return keys.listKeys(input);
            case "DescribeKey":
                return keys.describeKey(input);
            case "PutKeyPolicy":
                return keys.putKeyPolicy(input);
            case "GetKeyPolicy":
                return keys.getKeyPolicy(input);
            case "GetPublicKey":
                return signatures.getPublicKey(input);
            case "Sign":
                return signatures.sign(input);
            case "Verify":
                return signatures.verify(input);
            case "CreateAlias":
                return labels.createAlias(input);
            case "UpdateAlias":
                return labels.updateAlias(input);
            case "DeleteAlias":
                return labels.deleteAlias(input);
            case "ListAliases":
                return labels.listAliases(input);
            case "TagResource":
                return labels.tagResource(input);
            case "UntagResource":
                return labels.untagResource(input);
            case "ListResourceTags":
                return labels.listResourceTags(input);
            case "DisableKey":
                return lifecycle.disableKey(input);
            case "EnableKey":
                return lifecycle.enableKey(input);
            case "ScheduleKeyDeletion":
                return lifecycle.scheduleKeyDeletion(input);
            case "CancelKeyDeletion":
                return lifecycle.cancelKeyDeletion(input);
            default:
                throw AwsError.badRequest("UnknownOperationException",
                        "fake-aws does not implement TrentService." + operation + ".");
        }
    }
}
