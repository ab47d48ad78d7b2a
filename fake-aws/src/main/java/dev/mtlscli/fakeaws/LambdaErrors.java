package dev.mtlscli.fakeaws;

import java.time.Duration;
import java.util.Map;

/** The Lambda error types with the HTTP status the service model gives each. */
final class LambdaErrors {
    private LambdaErrors() {
    }

    static AwsError notFound(String message) {
        return new AwsError(404, "ResourceNotFoundException", message);
    }

    static AwsError conflict(String message) {
        return new AwsError(409, "ResourceConflictException", message);
    }

    static AwsError invalidParameter(String message) {
        return new AwsError(400, "InvalidParameterValueException", message);
    }

    static AwsError preconditionFailed(String message) {
        return new AwsError(412, "PreconditionFailedException", message);
    }

    /** Not in Lambda's model: the SDK surfaces it as a LambdaException with this error code. */
    static AwsError accessDenied(String callerAccount, String action, String resource) {
        return new AwsError(403, "AccessDeniedException", "User: arn:aws:iam::" + callerAccount
                + ":user/fake-aws is not authorized to perform: " + action + " on resource: " + resource
                + " because no resource-based policy allows the " + action + " action");
    }

    /** Not in Lambda's model either: what Lambda answers to a body over an operation's limit. */
    static AwsError entityTooLarge(long maxBytes, String operation) {
        return new AwsError(413, "RequestEntityTooLargeException", "Request must be smaller than " + maxBytes
                + " bytes for the " + operation + " operation");
    }

    static AwsError throttled() {
        return new AwsError(429, "TooManyRequestsException", "Rate exceeded");
    }

    /**
     * A call over a control-plane quota. The service model puts TooManyRequestsException's
     * retryAfterSeconds in the Retry-After header and Reason in the body; Lambda answers
     * {@code {"Reason":"CallerRateLimitExceeded","Type":"User","message":"Rate exceeded"}}. The
     * header says, in whole seconds (at least 1), when the quota has room again.
     */
    static AwsError callerRateLimitExceeded(Duration untilRoom) {
        long seconds = Math.max(1, (untilRoom.toNanos() + 999_999_999L) / 1_000_000_000L);
        return new AwsError(429, "TooManyRequestsException", "Rate exceeded",
                Map.of("Reason", "CallerRateLimitExceeded"), Map.of("Retry-After", Long.toString(seconds)));
    }

    static AwsError functionNotFound(String functionArn) {
        return notFound("Function not found: " + functionArn);
    }

    static AwsError layerVersionNotFound(String layerVersionArn) {
        return notFound("Layer version " + layerVersionArn + " does not exist.");
    }
}
