package dev.mtlscli.scheduled;

import java.time.Instant;
import java.util.List;

/**
 * What the scheduled rotator's last finished run did for one service: when it finished, how it
 * ended, and by when the next one is due (its start plus the schedule's period), so that
 * `status` can say a rotator that stopped running is overdue instead of staying quiet.
 *
 * @param outcome       {@link #SUCCEEDED}, {@link #FAILED} or {@link #BUSY} (another rotation held the lease)
 * @param failedTargets the account-regions ({@code account/region}) where the service was not done
 */
public record RunRecord(String service, String runId, Instant finishedAt, String outcome, List<String> failedTargets, Instant nextRunBy) {
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String BUSY = "busy";

    public RunRecord {
        failedTargets = List.copyOf(failedTargets);
        if (!List.of(SUCCEEDED, FAILED, BUSY).contains(outcome)) {
            throw new IllegalArgumentException("unknown outcome " + outcome);
        }
    }

    /** The next run should have finished by now and no newer record says it did. */
    public boolean overdue(Instant now) {
        return nextRunBy != null && now.isAfter(nextRunBy);
    }

    public boolean healthy(Instant now) {
        return SUCCEEDED.equals(outcome) && !overdue(now);
    }
}
