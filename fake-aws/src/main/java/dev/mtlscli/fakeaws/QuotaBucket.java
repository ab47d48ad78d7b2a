package dev.mtlscli.fakeaws;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A token bucket on the fake's clock: it holds at most one second's worth of requests and refills
 * continuously at the quota's rate, so a burst of {@code perSecond} calls is admitted at once and
 * a steady caller gets {@code perSecond} calls a second. A refused call takes nothing.
 */
final class QuotaBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Clock clock;
    private final int perSecond;
    // tokens in units of 1/perSecond of a nanosecond-second, to stay exact in integers:
    // one token is NANOS_PER_SECOND units, and one nanosecond refills perSecond units
    private long units;
    private Instant last;

    QuotaBucket(Clock clock, int perSecond) {
        this.clock = clock;
        this.perSecond = perSecond;
        this.units = capacity();
        this.last = clock.instant();
    }

    /** Takes one request's token; when there is none, how long until there is one. */
    synchronized Optional<Duration> tryTake() {
        Instant now = clock.instant();
        if (now.isAfter(last)) {
            long elapsed = Duration.between(last, now).toNanos();
            units = elapsed >= NANOS_PER_SECOND ? capacity() : Math.min(capacity(), units + elapsed * perSecond);
            last = now;
        }
        if (units >= NANOS_PER_SECOND) {
            units -= NANOS_PER_SECOND;
            return Optional.empty();
        }
        long missing = NANOS_PER_SECOND - units;
        return Optional.of(Duration.ofNanos((missing + perSecond - 1) / perSecond));
    }

    private long capacity() {
        return perSecond * NANOS_PER_SECOND;
    }
}
