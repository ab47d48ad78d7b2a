package dev.mtlscli.aws;

import dev.mtlscli.MtlsException;

/**
 * The rates mtls-cli allows itself per account and region, under Lambda's quotas: for the
 * control plane that shares 15 per second (and GetPolicy's own 15), and for GetFunction (100).
 * 0 turns the client-side limit of that class off, leaving Lambda's 429s to the SDK's retries.
 */
public record LambdaRates(int controlPlanePerSecond, int getFunctionPerSecond) {
    /** A third under each quota, for the other callers of the account (a deployment, the console). */
    public static final LambdaRates DEFAULT = new LambdaRates(10, 50);

    public LambdaRates {
        check(controlPlanePerSecond, LambdaCallClass.CONTROL_PLANE, "--lambda-rate");
        check(getFunctionPerSecond, LambdaCallClass.GET_FUNCTION, "--lambda-get-function-rate");
    }

    /** The calls per second allowed for a class; 0: not limited. */
    public int perSecond(LambdaCallClass callClass) {
        return switch (callClass) {
            case GET_FUNCTION -> getFunctionPerSecond;
            case CONTROL_PLANE, GET_POLICY -> controlPlanePerSecond;
            case INVOCATION -> 0;
        };
    }

    /** Below the quota: a rate at it would leave no room for even one call of burst. */
    private static void check(int perSecond, LambdaCallClass callClass, String option) {
        int most = callClass.quotaPerSecond() - 1;
        if (perSecond < 0 || perSecond > most) {
            throw new MtlsException(option + " must be between 0 (no client-side limit) and " + most
                    + " calls per second, under Lambda's quota of " + callClass.quotaPerSecond() + ", not " + perSecond);
        }
    }
}
