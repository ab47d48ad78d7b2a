package dev.mtlscli.fakeaws;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The control-plane quotas of one account's region ({@link LambdaQuota}), enforced only when a
 * test switches them on: a call over its quota is answered as Lambda answers it, 429
 * TooManyRequestsException with Reason CallerRateLimitExceeded and a Retry-After header.
 */
final class LambdaQuotas {
    private final Map<LambdaQuota, QuotaBucket> buckets = new EnumMap<>(LambdaQuota.class);
    private final List<FakeLambda.CountedCall> counted = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private volatile boolean enforced;

    LambdaQuotas(Clock clock) {
        this.clock = clock;
    }

    /** On: every bucket starts full, as after a second without calls. Off: every call is admitted. */
    synchronized void enforce(boolean on) {
        buckets.clear();
        if (on) {
            for (LambdaQuota quota : LambdaQuota.values()) {
                buckets.put(quota, new QuotaBucket(clock, quota.perSecond()));
            }
        }
        counted.clear();
        enforced = on;
    }

    /** The calls counted since the quotas were switched on, in the order they were counted. */
    List<FakeLambda.CountedCall> counted() {
        return List.copyOf(counted);
    }

    void admit(String operation) throws AwsError {
        if (!enforced) {
            return;
        }
        Optional<LambdaQuota> quota = LambdaQuota.of(operation);
        if (quota.isEmpty()) {
            return;
        }
        QuotaBucket bucket;
        synchronized (this) {
            bucket = buckets.get(quota.get());
        }
        if (bucket == null) {
            return;
        }
        Optional<Duration> wait = bucket.tryTake();
        counted.add(new FakeLambda.CountedCall(operation, quota.get().quotaName(), clock.instant(), wait.isEmpty()));
        if (wait.isPresent()) {
            throw LambdaErrors.callerRateLimitExceeded(wait.get());
        }
    }
}
