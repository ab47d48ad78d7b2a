package dev.mtlscli.aws;

import dev.mtlscli.MtlsException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.function.Supplier;

/**
 * KMS calls on one key, failing with one line. A denied call names the permission that is
 * missing and where it is granted, because AWS's own message is about the caller and the
 * resource; a key that is not found names the region it was looked for in, because a key id or
 * alias means nothing outside its region.
 */
public final class KmsCalls {
    private KmsCalls() {
    }

    /**
     * @param key    the key id, alias or ARN as the user named it
     * @param region the region the call goes to
     */
    public static <T> T call(String operation, String key, String region, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw failure(operation, key, region, e);
        }
    }

    /** The one line for a failed call of {@code operation} on {@code key} in {@code region}. */
    public static MtlsException failure(String operation, String key, String region, SdkException e) {
        String code = e instanceof AwsServiceException ase && ase.awsErrorDetails() != null
                ? ase.awsErrorDetails().errorCode() : null;
        MtlsException failure = AwsCalls.failure(AwsService.KMS, operation + " on " + key, e);
        if ("AccessDeniedException".equals(code)) {
            return new MtlsException("KMS denied " + operation + " on key " + key + ": the caller needs the permission kms:" + operation
                    + " (from the key policy, e.g. with certs create --signer-role, or from its IAM policy); "
                    + failure.getMessage(), e);
        }
        if ("NotFoundException".equals(code)) {
            return new MtlsException("KMS key " + key + " does not exist in " + region
                    + " (a key id or alias names a key of the region called; give the key's ARN or its --region); "
                    + failure.getMessage(), e);
        }
        return failure;
    }
}
