package dev.mtlscli.fakeaws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The KMS operations that name and label keys: CreateAlias, UpdateAlias, DeleteAlias, ListAliases,
 * TagResource, UntagResource, ListResourceTags.
 */
final class KmsLabelOperations {
    private static final String RESERVED_ALIASES = "alias/aws/";

    private final KmsKeyAccess access;

    KmsLabelOperations(KmsKeyAccess access) {
        this.access = access;
    }

    Map<String, Object> createAlias(Map<String, Object> input) throws AwsError {
        String aliasName = JsonArgs.requiredString(input, "AliasName");
        if (aliasName.length() > 256 || !KmsKeyRef.ALIAS_NAME.matcher(aliasName).matches()) {
            throw AwsError.validation("1 validation error detected: Value '" + aliasName + "' at 'aliasName'"
                    + " failed to satisfy constraint: Member must satisfy regular expression pattern:"
                    + " ^alias/[a-zA-Z0-9/_-]+$");
        }
        if (aliasName.startsWith(RESERVED_ALIASES)) {
            throw AwsError.badRequest("NotAuthorizedException",
                    "Cannot create alias with prefix '" + RESERVED_ALIASES + "'");
        }
        FakeKms state = access.state();
        KmsKeyRef target = access.ref(input, "TargetKeyId");
        if (target.alias()) {
            throw AwsError.validation("TargetKeyId must be a key ID or key ARN, not an alias: " + target.name());
        }
        synchronized (state) {
            // an alias and its key are in one account and region: find in the caller's own KMS
            KmsKey key = state.find(target);
            state.authorize(key, "kms:CreateAlias", KmsKeyAccess.caller());
            key.requireNotPendingDeletion();
            state.createAlias(aliasName, key);
        }
        return JsonOutput.ordered();
    }

    /** Points an alias at another key of the same type and usage, as a CA rollover to a new key needs. */
    Map<String, Object> updateAlias(Map<String, Object> input) throws AwsError {
        String aliasName = JsonArgs.requiredString(input, "AliasName");
        FakeKms state = access.state();
        KmsKeyRef target = access.ref(input, "TargetKeyId");
        if (target.alias()) {
            throw AwsError.validation("TargetKeyId must be a key ID or key ARN, not an alias: " + target.name());
        }
        synchronized (state) {
            FakeKms.Alias alias = state.alias(aliasName);
            KmsKey current = state.target(alias);
            KmsKey next = state.find(target);
            state.authorize(current, "kms:UpdateAlias", KmsKeyAccess.caller());
            state.authorize(next, "kms:UpdateAlias", KmsKeyAccess.caller());
            next.requireNotPendingDeletion();
            if (!current.usage.equals(next.usage) || current.spec.asymmetric() != next.spec.asymmetric()
                    || current.spec.hmac() != next.spec.hmac()) {
                throw AwsError.validation("Alias " + alias.arn() + " points at a " + current.spec + " key for "
                        + current.usage + "; it cannot point at a " + next.spec + " key for " + next.usage + ".");
            }
            state.updateAlias(alias, next);
        }
        return JsonOutput.ordered();
    }

    Map<String, Object> deleteAlias(Map<String, Object> input) throws AwsError {
        String aliasName = JsonArgs.requiredString(input, "AliasName");
        FakeKms state = access.state();
        synchronized (state) {
            FakeKms.Alias alias = state.alias(aliasName);
            state.authorize(state.target(alias), "kms:DeleteAlias", KmsKeyAccess.caller());
            state.deleteAlias(alias);
        }
        return JsonOutput.ordered();
    }

    Map<String, Object> listAliases(Map<String, Object> input) throws AwsError {
        FakeKms state = access.state();
        List<FakeKms.Alias> aliases;
        synchronized (state) {
            KmsKey key = input.get("KeyId") == null ? null : state.find(access.ref(input, "KeyId"));
            aliases = state.aliases(key);
        }
        KmsArgs.Page<FakeKms.Alias> page = KmsArgs.page(input, aliases, 50, 100);
        List<Object> entries = new ArrayList<>();
        for (FakeKms.Alias alias : page.items()) {
            entries.add(JsonOutput.ordered("AliasName", alias.name(), "AliasArn", alias.arn(),
                    "TargetKeyId", alias.targetKeyId(),
                    "CreationDate", JsonOutput.epochSeconds(alias.creationDate()),
                    "LastUpdatedDate", JsonOutput.epochSeconds(alias.lastUpdatedDate())));
        }
        return paged("Aliases", entries, page.nextMarker());
    }

    Map<String, Object> tagResource(Map<String, Object> input) throws AwsError {
        Map<String, String> tags = KmsArgs.tags(input, "Tags");
        return access.onKey(input, "kms:TagResource", (holder, key) -> {
            key.requireNotPendingDeletion();
            key.tags.putAll(tags);
            return JsonOutput.ordered();
        });
    }

    Map<String, Object> untagResource(Map<String, Object> input) throws AwsError {
        List<?> tagKeys = JsonArgs.list(input, "TagKeys");
        return access.onKey(input, "kms:UntagResource", (holder, key) -> {
            key.requireNotPendingDeletion();
            tagKeys.forEach(key.tags::remove);
            return JsonOutput.ordered();
        });
    }

    Map<String, Object> listResourceTags(Map<String, Object> input) throws AwsError {
        return access.onKey(input, "kms:ListResourceTags", (holder, key) -> {
            List<Object> tags = new ArrayList<>();
            key.tags.forEach((k, v) -> tags.add(JsonOutput.ordered("TagKey", k, "TagValue", v)));
            KmsArgs.Page<Object> page = KmsArgs.page(input, tags, 50, 50);
            return paged("Tags", page.items(), page.nextMarker());
        });
    }

    /** A page of a list answer: its entries, Truncated, and NextMarker when there is more. */
    private static Map<String, Object> paged(String member, List<Object> entries, String nextMarker) {
        Map<String, Object> output = JsonOutput.ordered(member, new ArrayList<>(entries), "Truncated", nextMarker != null);
        if (nextMarker != null) {
            output.put("NextMarker", nextMarker);
        }
        return output;
    }
}
