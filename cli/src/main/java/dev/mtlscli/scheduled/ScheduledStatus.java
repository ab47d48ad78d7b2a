package dev.mtlscli.scheduled;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * `status`'s view of the scheduled rotation of each service it found: whether one is scheduled
 * (a desired state in the table), the last run and how it ended, and by when the next is due. A
 * last run that failed, or a next run that is overdue, needs attention: a rotator that stopped
 * is as bad as a certificate about to expire, since nothing will renew it.
 */
public final class ScheduledStatus {
    private ScheduledStatus() {
    }

    /** One service's schedule as read from the table. */
    public record Entry(String service, Optional<DesiredStateTable.Stored> desired, Optional<RunRecord> lastRun, Instant now) {

        public boolean needsAttention() {
            return lastRun.isPresent() && !lastRun.get().healthy(now);
        }

        public String describe() {
            if (desired.isEmpty() && lastRun.isEmpty()) {
                return "not scheduled";
            }
            StringBuilder line = new StringBuilder(desired.map(d -> "scheduled (revision " + d.revision() + ")").orElse("no desired state"));
            if (lastRun.isEmpty()) {
                return line.append(", not run yet").toString();
            }
            RunRecord run = lastRun.get();
            line.append(", last run ").append(run.finishedAt()).append(' ').append(run.outcome());
            if (!run.failedTargets().isEmpty()) {
                line.append(" in ").append(String.join(", ", run.failedTargets()));
            }
            if (run.nextRunBy() != null) {
                line.append(run.overdue(now) ? ", OVERDUE: the next run was due by " : ", next run by ").append(run.nextRunBy());
            }
            return line.toString();
        }

        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("scheduled", desired.isPresent());
            json.put("desiredStateRevision", desired.map(DesiredStateTable.Stored::revision).orElse(null));
            lastRun.ifPresent(run -> {
                json.put("lastRunId", run.runId());
                json.put("lastRunFinishedAt", run.finishedAt().toString());
                json.put("lastRunOutcome", run.outcome());
                json.put("lastRunFailedTargets", run.failedTargets());
                json.put("nextRunBy", run.nextRunBy() == null ? null : run.nextRunBy().toString());
                json.put("overdue", run.overdue(now));
            });
            json.put("needsAttention", needsAttention());
            return json;
        }
    }

    public static List<Entry> read(DynamoDbClient dynamo, String table, List<String> services, Instant now) {
        DesiredStateTable desired = new DesiredStateTable(dynamo, table);
        RunRecordTable runs = new RunRecordTable(dynamo, table);
        List<Entry> entries = new ArrayList<>();
        for (String service : services) {
            entries.add(new Entry(service, desired.read(service), runs.read(service), now));
        }
        return entries;
    }
}
