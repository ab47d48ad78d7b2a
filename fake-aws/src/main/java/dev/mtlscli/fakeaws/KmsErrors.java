package dev.mtlscli.fakeaws;

import java.util.List;

/** The error answers of KMS, with the types and wording of the real service. */
final class KmsErrors {
    private KmsErrors() {
    }

    static AwsError notFound(String message) {
        return AwsError.badRequest("NotFoundException", message);
    }

    static AwsError keyNotFound(String keyArn) {
        return notFound("Key '" + keyArn + "' does not exist");
    }

    static AwsError disabled(String keyArn) {
        return AwsError.badRequest("DisabledException", keyArn + " is disabled.");
    }

    static AwsError invalidState(String message) {
        return AwsError.badRequest("KMSInvalidStateException", message);
    }

    static AwsError invalidKeyUsage(String message) {
        return AwsError.badRequest("InvalidKeyUsageException", message);
    }

    static AwsError unsupported(String message) {
        return AwsError.badRequest("UnsupportedOperationException", message);
    }

    static AwsError invalidArn(String message) {
        return AwsError.badRequest("InvalidArnException", message);
    }

    static AwsError alreadyExists(String message) {
        return AwsError.badRequest("AlreadyExistsException", message);
    }

    static AwsError invalidSignature() {
        return AwsError.badRequest("KMSInvalidSignatureException", null);
    }

    /** KMS's refusal names the caller, the action and the key, and why: no statement allows, or one denies. */
    static AwsError accessDenied(KmsCaller caller, String action, String keyArn, boolean explicit) {
        return AwsError.badRequest("AccessDeniedException", "User: " + caller.arn() + " is not authorized to perform: "
                + action + " on resource: " + keyArn + (explicit
                        ? " with an explicit deny in a resource-based policy"
                        : " because no resource-based policy allows the " + action + " action"));
    }

    /** A value outside a member's enum, as the service's validation words it. */
    static AwsError notInEnum(String value, String member, List<String> values) {
        return AwsError.validation("1 validation error detected: Value '" + value + "' at '" + member
                + "' failed to satisfy constraint: Member must satisfy enum value set: " + values);
    }
}
