package dev.mtlscli.aws;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Keeps the Lambda calls of one run under Lambda's control-plane quotas, which hold per account
 * and region and per {@link LambdaCallClass}: a token bucket for each account-region and class,
 * and a blocking {@link #acquire} before each request (retries included). A fleet rotation then
 * stays under the quota instead of meeting it as 429s and backing off.
 *
 * <p>Each bucket refills at the class's rate and holds half the quota's headroom over that rate
 * (at least one call): at the default 10 per second under a quota of 15, a bucket holds 2, so even
 * the burst after a pause puts at most 12 calls in any second, and the rest of the headroom is
 * left to the account's other callers and to the jitter between our sending and Lambda's counting.
 * Since a rate is at most the quota less one, no second ever holds more than the quota. A caller
 * that finds the bucket empty reserves the next token and sleeps until it is due, so waiting
 * callers go in turn at the rate, without polling.
 */
public final class ControlPlaneRateLimiter {
    /** Sleeps, as {@link Thread#sleep} does; a test's advances its clock instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private record Key(String account, String region, LambdaCallClass callClass) {
    }

    private final LambdaRates rates;
    private final int shares;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final Map<Key, Bucket> buckets = new ConcurrentHashMap<>();

    public ControlPlaneRateLimiter(LambdaRates rates, LongSupplier nanoTime, Sleeper sleeper) {
        this(rates, 1, nanoTime, sleeper);
    }

    private ControlPlaneRateLimiter(LambdaRates rates, int shares, LongSupplier nanoTime, Sleeper sleeper) {
        this.rates = Objects.requireNonNull(rates);
        this.shares = shares;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /**
     * One of {@code shares} callers that reach the same account-region side by side from
     * different processes, which no limiter can count together (the rotator's member slices,
     * each its own Lambda invocation, all reading the publishing account's layer): the rates and
     * the quota's headroom are divided among them, at least one call a second and a burst of one
     * each.
     */
    public static ControlPlaneRateLimiter share(LambdaRates rates, int shares) {
        return share(rates, shares, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    static ControlPlaneRateLimiter share(LambdaRates rates, int shares, LongSupplier nanoTime, Sleeper sleeper) {
        int n = Math.max(1, shares);
        LambdaRates share = new LambdaRates(Math.max(1, rates.controlPlanePerSecond() / n), Math.max(1, rates.getFunctionPerSecond() / n));
        return new ControlPlaneRateLimiter(share, n, nanoTime, sleeper);
    }

    /** On the JVM's monotonic clock, sleeping the calling thread. */
    public static ControlPlaneRateLimiter of(LambdaRates rates) {
        return new ControlPlaneRateLimiter(rates, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    public LambdaRates rates() {
        return rates;
    }

    /**
     * Waits until a call of this class may be sent to this account's region.
     *
     * @param account the account id, or null for the caller's own account (its credentials, unassumed)
     * @throws InterruptedException when interrupted while waiting; the token it reserved is not given back
     */
    public void acquire(String account, String region, LambdaCallClass callClass) throws InterruptedException {
        int perSecond = rates.perSecond(callClass);
        if (perSecond == 0) {
            return;
        }
        Bucket bucket = buckets.computeIfAbsent(new Key(account, region, callClass),
                key -> new Bucket(perSecond, burst(callClass.quotaPerSecond() / shares, perSecond), nanoTime.getAsLong()));
        long wait = bucket.reserve(nanoTime.getAsLong());
        if (wait > 0) {
            sleeper.sleepNanos(wait);
        }
    }

    /** The calls a bucket holds: half the quota's headroom over the rate, at least one. */
    static int burst(int quotaPerSecond, int perSecond) {
        return Math.max(1, (quotaPerSecond - perSecond) / 2);
    }

    /**
     * Tokens counted in nanosecond-calls (one call is 1e9 units; each nanosecond adds perSecond
     * units), in integers, so that pacing stays exact over a long run. The balance may go below
     * zero: that is the tokens promised to callers now sleeping.
     */
    private static final class Bucket {
        private static final long UNITS_PER_CALL = 1_000_000_000L;

        private final long perSecond;
        private final long capacity;
        private long units;
        private long last;

        Bucket(int perSecond, int burst, long now) {
            this.perSecond = perSecond;
            this.capacity = burst * UNITS_PER_CALL;
            this.units = capacity;
            this.last = now;
        }

        /** Takes a token and says how many nanoseconds from now it is due (0: now). */
        synchronized long reserve(long now) {
            long elapsed = now - last;
            if (elapsed > 0) {
                // compared before multiplying, so that a long idle time cannot overflow
                units = elapsed >= (capacity - units) / perSecond + 1 ? capacity : Math.min(capacity, units + elapsed * perSecond);
                last = now;
            }
            units -= UNITS_PER_CALL;
            return units >= 0 ? 0 : (-units + perSecond - 1) / perSecond;
        }
    }
}
