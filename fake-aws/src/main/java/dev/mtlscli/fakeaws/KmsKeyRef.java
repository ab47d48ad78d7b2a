package dev.mtlscli.fakeaws;

import java.util.regex.Pattern;

/**
 * A KeyId argument read the way KMS reads it: a key id, a key ARN, an alias name
 * ({@code alias/NAME}) or an alias ARN. An ARN names its own account and region; the short forms
 * mean the caller's.
 *
 * @param alias   whether it names an alias (else a key)
 * @param name    the key id, or the alias name with its {@code alias/} prefix
 * @param account the account of the key or alias
 * @param region  the region of the key or alias
 */
record KmsKeyRef(boolean alias, String name, String account, String region) {
    private static final Pattern KEY_ID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}");
    static final Pattern ALIAS_NAME = Pattern.compile("alias/[a-zA-Z0-9/_-]+");
    private static final int MAX_LENGTH = 2048;

    /** Reads {@code keyId} for a call to the KMS of {@code region} in {@code account}. */
    static KmsKeyRef parse(String keyId, String account, String region) throws AwsError {
        if (keyId.isEmpty() || keyId.length() > MAX_LENGTH) {
            throw AwsError.validation("1 validation error detected: Value '" + keyId + "' at 'keyId' failed to"
                    + " satisfy constraint: Member must have length between 1 and " + MAX_LENGTH);
        }
        if (keyId.startsWith("arn:")) {
            return arn(keyId);
        }
        if (keyId.startsWith("alias/")) {
            return new KmsKeyRef(true, keyId, account, region);
        }
        if (!KEY_ID.matcher(keyId).matches()) {
            throw KmsErrors.notFound("Invalid keyId '" + keyId + "'");
        }
        return new KmsKeyRef(false, keyId, account, region);
    }

    private static KmsKeyRef arn(String arn) throws AwsError {
        // arn:partition:kms:region:account:key/ID or ...:alias/NAME
        String[] parts = arn.split(":", 6);
        if (parts.length != 6 || !parts[2].equals("kms") || parts[3].isEmpty() || !parts[4].matches("\\d{12}")) {
            throw KmsErrors.invalidArn("Invalid arn " + arn);
        }
        String resource = parts[5];
        if (resource.startsWith("key/") && KEY_ID.matcher(resource.substring(4)).matches()) {
            return new KmsKeyRef(false, resource.substring(4), parts[4], parts[3]);
        }
        if (ALIAS_NAME.matcher(resource).matches()) {
            return new KmsKeyRef(true, resource, parts[4], parts[3]);
        }
        throw KmsErrors.invalidArn("Invalid arn " + arn);
    }

    /** The ARN of what this names. */
    String arn() {
        return "arn:aws:kms:" + region + ":" + account + ":" + (alias ? name : "key/" + name);
    }
}
