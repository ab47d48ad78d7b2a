package dev.mtlscli.fakeaws;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The KMS operations that make, list and describe keys and set who may use them: CreateKey,
 * ListKeys, DescribeKey, PutKeyPolicy, GetKeyPolicy.
 */
final class KmsKeyOperations {
    private final KmsKeyAccess access;

    KmsKeyOperations(KmsKeyAccess access) {
        this.access = access;
    }

    Map<String, Object> createKey(Map<String, Object> input) throws AwsError {
        FakeKms state = access.state();
        String specName = JsonArgs.optionalString(input, "KeySpec");
        if (specName == null) {
            specName = JsonArgs.optionalString(input, "CustomerMasterKeySpec");
        }
        specName = specName == null ? "SYMMETRIC_DEFAULT" : specName;
        if (!KmsKeySpec.API_VALUES.contains(specName)) {
            throw KmsErrors.notInEnum(specName, "keySpec", KmsKeySpec.API_VALUES);
        }
        String usage = KmsArgs.enumValue(input, "KeyUsage", KmsKeySpec.USAGES, "ENCRYPT_DECRYPT");
        String origin = KmsArgs.enumValue(input, "Origin", List.of("AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM",
                "EXTERNAL_KEY_STORE"), "AWS_KMS");
        KmsKeySpec spec = KmsKeySpec.byName(specName);
        if (spec == null || !origin.equals("AWS_KMS") || JsonArgs.flag(input, "MultiRegion")
                || JsonArgs.optionalString(input, "CustomKeyStoreId") != null) {
            throw KmsErrors.unsupported("fake-aws KMS makes single-Region AWS_KMS keys of "
                    + Arrays.toString(KmsKeySpec.values()) + " only.");
        }
        if (!spec.allows(usage)) {
            throw AwsError.validation("KeyUsage " + usage + " is not compatible with KeySpec " + spec);
        }
        String description = JsonArgs.optionalString(input, "Description");
        Map<String, String> tags = KmsArgs.tags(input, "Tags");
        String keyId = state.newKeyId();
        String policyText = JsonArgs.optionalString(input, "Policy");
        KmsKeyPolicy policy = KmsKeyPolicy.parse(policyText == null ? FakeKms.defaultKeyPolicy(state.accountId()) : policyText);
        if (policyText != null && !JsonArgs.flag(input, "BypassPolicyLockoutSafetyCheck")) {
            checkLockout(policy, state.keyArn(keyId));
        }
        KmsKey key = state.create(keyId, spec, usage, description == null ? "" : description, policy, tags);
        synchronized (state) {
            return JsonOutput.ordered("KeyMetadata", KmsOutput.keyMetadata(key));
        }
    }

    Map<String, Object> describeKey(Map<String, Object> input) throws AwsError {
        return access.onKey(input, "kms:DescribeKey",
                (holder, key) -> JsonOutput.ordered("KeyMetadata", KmsOutput.keyMetadata(key)));
    }

    /** The account's keys in this region; IAM decides who may list them, so no key policy is read. */
    Map<String, Object> listKeys(Map<String, Object> input) throws AwsError {
        KmsArgs.Page<KmsKey> page = KmsArgs.page(input, access.state().allKeys(), 100, 1000);
        Map<String, Object> output = JsonOutput.ordered("Keys", page.items().stream()
                .map(key -> (Object) JsonOutput.ordered("KeyId", key.keyId, "KeyArn", key.arn)).toList(),
                "Truncated", page.nextMarker() != null);
        if (page.nextMarker() != null) {
            output.put("NextMarker", page.nextMarker());
        }
        return output;
    }

    Map<String, Object> putKeyPolicy(Map<String, Object> input) throws AwsError {
        policyName(input);
        KmsKeyPolicy policy = KmsKeyPolicy.parse(JsonArgs.requiredString(input, "Policy"));
        return access.onKey(input, "kms:PutKeyPolicy", (holder, key) -> {
            if (!JsonArgs.flag(input, "BypassPolicyLockoutSafetyCheck")) {
                checkLockout(policy, key.arn);
            }
            key.policy = policy;
            return JsonOutput.ordered();
        });
    }

    Map<String, Object> getKeyPolicy(Map<String, Object> input) throws AwsError {
        String name = policyName(input);
        return access.onKey(input, "kms:GetKeyPolicy",
                (holder, key) -> JsonOutput.ordered("Policy", key.policy.text(), "PolicyName", name));
    }

    /** KMS keys have one policy, named {@code default}, which is also what an absent PolicyName means. */
    private static String policyName(Map<String, Object> input) throws AwsError {
        String name = JsonArgs.optionalString(input, "PolicyName");
        if (name != null && !name.equals(FakeKms.POLICY_NAME)) {
            throw KmsErrors.notFound("No such policy exists: " + name);
        }
        return FakeKms.POLICY_NAME;
    }

    /**
     * KMS's policy lockout safety check: a new policy must let its setter set the policy again,
     * so that nobody makes a key nobody can manage by mistake.
     */
    private static void checkLockout(KmsKeyPolicy policy, String keyArn) throws AwsError {
        if (policy.decide("kms:PutKeyPolicy", KmsKeyAccess.caller(), keyArn) != KmsKeyPolicy.Decision.ALLOW) {
            throw AwsError.badRequest("MalformedPolicyDocumentException",
                    "The new key policy will not allow you to update the key policy in the future.");
        }
    }
}
