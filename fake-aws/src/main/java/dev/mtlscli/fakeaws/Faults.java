package dev.mtlscli.fakeaws;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults per operation: failures and delays queued for the next requests (each used up by one
 * request, in the order queued), plus standing conditions for load tests: a fixed latency on
 * every call and a deterministic throttle that refuses every n-th call of an operation; and per
 * region, a hold that keeps its requests waiting until a test releases them.
 */
final class Faults {
    /** The longest delay accepted, so that a mistaken test cannot hang a build. */
    static final Duration MAX_DELAY = Duration.ofSeconds(30);

    /** What the AWS JSON services (SSM, ACM PCA) answer when they throttle a caller. */
    static final AwsError JSON_THROTTLE = AwsError.badRequest("ThrottlingException", "Rate exceeded");

    /** The key of {@link #throttleEvery} that applies to every operation. */
    private static final String ALL = "*";

    private final Map<String, Queue<AwsError>> failures = new ConcurrentHashMap<>();
    private final Map<String, Queue<Duration>> delays = new ConcurrentHashMap<>();
    private final Map<String, Integer> throttlePeriods = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> throttleCounts = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
    private volatile Duration latency = Duration.ZERO;

    void failNext(String operation, AwsError error) {
        failures.computeIfAbsent(operation, k -> new ConcurrentLinkedQueue<>()).add(error);
    }

    void delayNext(String operation, Duration delay) {
        checkDelay(delay);
        delays.computeIfAbsent(operation, k -> new ConcurrentLinkedQueue<>()).add(delay);
    }

    /** Every request, of every operation, waits this long before it is answered (zero turns it off). */
    void latency(Duration latency) {
        checkDelay(latency);
        this.latency = latency;
    }

    /**
     * Refuses the n-th, 2n-th, ... call of {@code operation} ({@code null}: of every operation, each
     * counted on its own) with the service's throttling error; {@code n = 0} turns it off. The count
     * starts again at each call of this method. A call refused by a queued failure is not counted.
     */
    void throttleEvery(String operation, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be 0 (off) or positive: " + n);
        }
        String key = operation == null ? ALL : operation;
        if (n == 0) {
            throttlePeriods.remove(key);
        } else {
            throttlePeriods.put(key, n);
        }
        if (key.equals(ALL)) {
            throttleCounts.clear();
        } else {
            throttleCounts.remove(key);
        }
    }

    /** The signed requests for {@code region} wait until {@code release} is counted down. */
    void holdRegion(String region, CountDownLatch release) {
        holds.put(region, release);
    }

    /**
     * Waits until the hold on the region, if any, is released; at most {@link #MAX_DELAY}, then
     * the request is answered anyway, so that a test that never releases cannot hang a build.
     */
    void awaitRelease(String region) throws InterruptedException {
        CountDownLatch release = holds.get(region);
        if (release != null) {
            release.await(MAX_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Waits out the standing latency and the next queued delay for the operation, if any. */
    void applyDelay(String operation) throws InterruptedException {
        Queue<Duration> queue = delays.get(operation);
        Duration delay = queue == null ? null : queue.poll();
        Duration total = delay == null ? latency : latency.plus(delay);
        if (!total.isZero()) {
            Thread.sleep(total.toMillis());
        }
    }

    /** Throws the next queued failure for the operation, else the JSON services' throttle when due. */
    void applyFailure(String operation) throws AwsError {
        applyFailure(operation, JSON_THROTTLE);
    }

    /** Throws the next queued failure for the operation, else {@code throttle} when the schedule says so. */
    void applyFailure(String operation, AwsError throttle) throws AwsError {
        Queue<AwsError> queue = failures.get(operation);
        AwsError failure = queue == null ? null : queue.poll();
        if (failure != null) {
            throw failure;
        }
        Integer period = throttlePeriods.getOrDefault(operation, throttlePeriods.get(ALL));
        if (period != null
                && throttleCounts.computeIfAbsent(operation, k -> new AtomicLong()).incrementAndGet() % period == 0) {
            throw throttle;
        }
    }

    private static void checkDelay(Duration delay) {
        if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("delay must be between 0 and " + MAX_DELAY + ": " + delay);
        }
    }
}
