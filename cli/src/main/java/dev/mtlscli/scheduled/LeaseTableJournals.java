package dev.mtlscli.scheduled;

import dev.mtlscli.MtlsException;
import dev.mtlscli.lease.LeaseScope;
import dev.mtlscli.rotation.JournalEvent;
import dev.mtlscli.rotation.RotationJournal;
import dev.mtlscli.rotation.RotationPlan;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The journals of a person's single-region `rotate` with a lease table: the one the scheduled
 * rotator keeps in the table for the lease's scope, so both callers resume and roll back each
 * other's rotations. A workspace may still hold an unfinished rotation in its file journal,
 * started before the table was used; it is finished (or rolled back) from that file first, under
 * the lease, and never skipped, since a new plan from the table would leave its functions half
 * moved. Each method opens a journal as {@link dev.mtlscli.rotation.RotationService.Journals} does.
 */
public final class LeaseTableJournals {
    private final Path workspace;
    private final DynamoDbClient dynamo;
    private final String table;
    private final String account;
    private final String by;
    private final Consumer<String> notices;

    /**
     * @param account the account of the run's credentials, as the lease scope names it
     * @param by      who signs the lines written to the table (the lease holder)
     * @param notices told which journal was taken when the workspace's file was
     */
    public LeaseTableJournals(Path workspace, DynamoDbClient dynamo, String table, String account, String by, Consumer<String> notices) {
        this.workspace = workspace;
        this.dynamo = dynamo;
        this.table = table;
        this.account = account;
        this.by = by;
        this.notices = notices;
    }

    /**
     * A rotation: the file's unfinished one first, else the table's (to resume, or to journal a new
     * plan). Two unfinished rotations, one in each, are refused: which one to keep is a person's call.
     */
    public RotationJournal forRotation(String service, String layerName, String region, Clock clock) {
        RotationJournal file = RotationJournal.forRegion(workspace, service, layerName, region, clock);
        RotationJournal shared = inTable(service, layerName, region, clock);
        Optional<RotationPlan> fileUnfinished = file.unfinished();
        if (fileUnfinished.isEmpty()) {
            return shared;
        }
        Optional<RotationPlan> tableUnfinished = shared.unfinished();
        if (tableUnfinished.isPresent()) {
            throw new MtlsException("two unfinished rotations of " + service + ": " + fileUnfinished.get().rotationId() + " in "
                    + file.location() + " (started without the lease table) and " + tableUnfinished.get().rotationId() + " in "
                    + shared.location() + "; undo the workspace's with rotate --rollback (it takes the file's first), then run "
                    + "rotate again, which continues the table's");
        }
        notices.accept(fromFile(file, fileUnfinished.get(), shared));
        return file;
    }

    /**
     * A rollback: the file's unfinished rotation first (the one a plain rotate would continue),
     * else the journal whose last rotation was planned last, named in a notice.
     */
    public RotationJournal forRollback(String service, String layerName, String region, Clock clock) {
        RotationJournal file = RotationJournal.forRegion(workspace, service, layerName, region, clock);
        RotationJournal shared = inTable(service, layerName, region, clock);
        Optional<RotationPlan> fileUnfinished = file.unfinished();
        if (fileUnfinished.isPresent()) {
            notices.accept(fromFile(file, fileUnfinished.get(), shared));
            return file;
        }
        Optional<Instant> fileLast = lastPlanned(file);
        if (fileLast.isPresent() && lastPlanned(shared).map(tableLast -> fileLast.get().isAfter(tableLast)).orElse(true)) {
            notices.accept("The last rotation of " + service + " is in " + file.location() + " (planned " + fileLast.get()
                    + ", after any in " + shared.location() + "): rolling back from there");
            return file;
        }
        return shared;
    }

    /** A prune journals its deletions in the table, where new entries go. */
    public RotationJournal forPrune(String service, String layerName, String region, Clock clock) {
        return inTable(service, layerName, region, clock);
    }

    private RotationJournal inTable(String service, String layerName, String region, Clock clock) {
        return RotationJournal.inStore(new TableJournalStore(dynamo, table, new LeaseScope(account, region, layerName)), service,
                layerName, region, clock, by);
    }

    private static String fromFile(RotationJournal file, RotationPlan plan, RotationJournal shared) {
        return "The workspace's journal " + file.location() + " has the unfinished rotation " + plan.rotationId()
                + ", started without the lease table: it is finished or rolled back from there first, under the lease; new "
                + "rotations are journaled in " + shared.location();
    }

    private static Optional<Instant> lastPlanned(RotationJournal journal) {
        Instant last = null;
        for (JournalEvent event : journal.read()) {
            if (JournalEvent.PLANNED.equals(event.event()) && event.at() != null) {
                last = Instant.parse(event.at());
            }
        }
        return Optional.ofNullable(last);
    }
}
