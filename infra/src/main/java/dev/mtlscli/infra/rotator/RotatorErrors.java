package dev.mtlscli.infra.rotator;

import java.util.List;

/**
 * The error names the state machine retries and catches, as Step Functions sees them. The
 * contract names the rotator's errors LeaseBusy, RotationFailed and Throttled; the Java Lambda
 * runtime reports an exception by its class's binary name, so an exception class
 * dev.mtlscli.rotator.LeaseBusy reaches Step Functions as "dev.mtlscli.rotator.LeaseBusy".
 * Each error is matched under both names, so that the state machine does not depend on how
 * the handler spells it.
 */
public final class RotatorErrors {
    static final String HANDLER_PACKAGE = "dev.mtlscli.rotator.";

    /** Another rotation holds the service's lease: try again later; not a failure of the run. */
    public static final List<String> LEASE_BUSY = named("LeaseBusy");
    /** The report found a failed target: the execution fails. */
    public static final List<String> ROTATION_FAILED = named("RotationFailed");
    /** An AWS control plane throttled the rotator beyond its own rate limiter. */
    public static final List<String> THROTTLED = named("Throttled");

    /** Lambda's own transient errors (the service, the SDK in Step Functions), as the CDK's LambdaInvoke retries them. */
    public static final List<String> LAMBDA_SERVICE = List.of(
            "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
            "Lambda.ClientExecutionTimeoutException");
    /** Lambda refusing the invocation for concurrency or rate. */
    public static final List<String> LAMBDA_THROTTLING = List.of("Lambda.TooManyRequestsException");
    /** The slice's function was killed (timeout, out of memory): the progress markers make the slice safe to run again. */
    public static final List<String> LAMBDA_KILLED = List.of("Sandbox.Timedout", "Lambda.Unknown");

    private RotatorErrors() {
    }

    private static List<String> named(String name) {
        return List.of(name, HANDLER_PACKAGE + name);
    }
}
