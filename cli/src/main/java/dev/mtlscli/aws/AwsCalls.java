package dev.mtlscli.aws;

import dev.mtlscli.MtlsException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.function.Supplier;

/**
 * Names the call that failed. The SDK has already retried what its retry strategy retries; what
 * reaches here is final and becomes the one line the user sees, with the AWS error code and
 * request id they need to look it up.
 */
public final class AwsCalls {
    private AwsCalls() {
    }

    public static <T> T call(AwsService service, String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw failure(service, operation, e);
        }
    }

    public static void run(AwsService service, String operation, Runnable call) {
        call(service, operation, () -> {
            call.run();
            return null;
        });
    }

    public static MtlsException failure(AwsService service, String operation, SdkException e) {
        String what = service.displayName() + " " + operation + " failed: ";
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            String code = ase.awsErrorDetails().errorCode();
            String message = ase.awsErrorDetails().errorMessage();
            return new MtlsException(what + (code == null ? "HTTP " + ase.statusCode() : code)
                    + (message == null ? "" : ": " + oneLine(message))
                    + (ase.requestId() == null ? "" : " (request id " + ase.requestId() + ")"), e);
        }
        if (e instanceof SdkClientException) {
            return new MtlsException(what + oneLine(e.getMessage()), e);
        }
        return new MtlsException(what + oneLine(String.valueOf(e.getMessage())), e);
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
