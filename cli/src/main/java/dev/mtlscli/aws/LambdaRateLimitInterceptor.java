package dev.mtlscli.aws;

import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Takes a token of the {@link ControlPlaneRateLimiter} before each attempt of a Lambda call:
 * {@code beforeTransmission} runs once per attempt, after signing, so an SDK retry waits its turn
 * like a first attempt, and every caller of the client (a move, a listing, the waiter's polls) is
 * counted without knowing about it. The wait comes after signing; it is at most the callers
 * queued on the account-region divided by the rate (64 at 1 per second is about a minute), well
 * inside the five minutes a SigV4 signature is accepted for.
 */
final class LambdaRateLimitInterceptor implements ExecutionInterceptor {
    private final ControlPlaneRateLimiter limiter;
    private final String account;
    private final String region;

    LambdaRateLimitInterceptor(ControlPlaneRateLimiter limiter, String account, String region) {
        this.limiter = limiter;
        this.account = account;
        this.region = region;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        try {
            limiter.acquire(account, region, LambdaCallClass.of(operation == null ? "" : operation));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AbortedException.builder().message("interrupted while waiting for Lambda's rate limit").cause(e).build();
        }
    }
}
