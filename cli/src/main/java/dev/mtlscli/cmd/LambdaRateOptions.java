package dev.mtlscli.cmd;

import dev.mtlscli.aws.ControlPlaneRateLimiter;
import dev.mtlscli.aws.LambdaRates;
import picocli.CommandLine.Option;

/** The rates a command keeps its Lambda calls to, per account and region (docs/rotation.md, "Lambda's quota"). */
public final class LambdaRateOptions {
    @Option(names = "--lambda-rate", paramLabel = "N", defaultValue = "${env:MTLS_LAMBDA_RATE:-10}",
            description = "Lambda control-plane calls per second per account and region, GetFunction and Invoke aside "
                    + "(default: ${DEFAULT-VALUE}, or MTLS_LAMBDA_RATE; Lambda's quota is 15; 0: no client-side limit).")
    int controlPlanePerSecond;

    @Option(names = "--lambda-get-function-rate", paramLabel = "N", defaultValue = "${env:MTLS_LAMBDA_GET_FUNCTION_RATE:-50}",
            description = "GetFunction calls per second per account and region (default: ${DEFAULT-VALUE}, or "
                    + "MTLS_LAMBDA_GET_FUNCTION_RATE; Lambda's quota is 100; 0: no client-side limit).")
    int getFunctionPerSecond;

    /** One limiter for the whole run, shared by every client it opens. */
    ControlPlaneRateLimiter limiter() {
        return ControlPlaneRateLimiter.of(new LambdaRates(controlPlanePerSecond, getFunctionPerSecond));
    }
}
