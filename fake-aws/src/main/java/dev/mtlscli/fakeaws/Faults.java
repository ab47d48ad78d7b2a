package dev.mtlscli.fakeaws;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Faults queued per operation: each is used up by the next request for that operation, in the
 * order they were queued.
 */
final class Faults {
    /** The longest delay accepted, so that a mistaken test cannot hang a build. */
    static final Duration MAX_DELAY = Duration.ofSeconds(30);

    private final Map<String, Queue<AwsError>> failures = new ConcurrentHashMap<>();
    private final Map<String, Queue<Duration>> delays = new ConcurrentHashMap<>();

    void failNext(String operation, AwsError error) {
        failures.computeIfAbsent(operation, k -> new ConcurrentLinkedQueue<>()).add(error);
    }

    void delayNext(String operation, Duration delay) {
        if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("delay must be between 0 and " + MAX_DELAY + ": " + delay);
        }
        delays.computeIfAbsent(operation, k -> new ConcurrentLinkedQueue<>()).add(delay);
    }

    /** Waits out the next queued delay for the operation, if any. */
    void applyDelay(String operation) throws InterruptedException {
        Queue<Duration> queue = delays.get(operation);
        Duration delay = queue == null ? null : queue.poll();
        if (delay != null) {
            Thread.sleep(delay.toMillis());
        }
    }

    /** Throws the next queued failure for the operation, if any. */
    void applyFailure(String operation) throws AwsError {
        Queue<AwsError> queue = failures.get(operation);
        AwsError failure = queue == null ? null : queue.poll();
        if (failure != null) {
            throw failure;
        }
    }
}
