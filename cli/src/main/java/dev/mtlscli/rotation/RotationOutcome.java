package dev.mtlscli.rotation;

import java.nio.file.Path;
import java.util.List;

/**
 * What a call of {@link RotationService} or {@link FleetRotationService} came to, for its caller
 * to show (the command, in text or JSON) or to report (the scheduled rotator). A rotation that
 * failed or stopped part way throws instead; its journal says where it is.
 */
public sealed interface RotationOutcome {

    /** Nothing changed: the step asked for waits for a person to confirm something outside our reach. */
    record Waiting(String reason) implements RotationOutcome {
    }

    /** A dry run: the plan (the unfinished one of the journal when {@code resumed}), applied by nothing. */
    record Planned(RotationPlan plan, boolean resumed) implements RotationOutcome {
    }

    /** Nothing to renew, publish or move. */
    record NothingToDo(String reason) implements RotationOutcome {
    }

    /**
     * A rotation done to the end; after {@link MaterialStep#CA_PREPARE} and {@link MaterialStep#CA_ISSUE}
     * a person has the next step of the CA rollover to take.
     *
     * @param journal where the journal is kept (its file, or its items in a table)
     */
    record Done(RotationResult result, MaterialStep materialStep, String journal) implements RotationOutcome {
    }

    /** A dry run of a rollback: the rotation whose moves a rollback would undo. */
    record RollbackPlanned(String rotationId, String journal) implements RotationOutcome {
    }

    /** The last rotation was rolled back before; nothing moved now. */
    record AlreadyRolledBack(String rotationId) implements RotationOutcome {
    }

    /**
     * @param rolledBack the functions moved back
     * @param leftAlone  one line per function left where it was (moved since), saying where and why
     */
    record RolledBack(String rotationId, List<String> rolledBack, List<String> leftAlone) implements RotationOutcome {
        public RolledBack {
            rolledBack = List.copyOf(rolledBack);
            leftAlone = List.copyOf(leftAlone);
        }
    }

    /** @param deleted the layer versions deleted (none in a dry run) */
    record Pruned(List<String> deleted, boolean dryRun) implements RotationOutcome {
        public Pruned {
            deleted = List.copyOf(deleted);
        }
    }

    /** A fleet rotation's run; not {@link FleetRotation.Result#complete() complete} when an account-region is not done. */
    record FleetDone(FleetRotation.Result result, Path journal) implements RotationOutcome {
    }

    /** A fleet rotation moved back. */
    record FleetRolledBack(FleetRotation.RollbackResult result, Path journal) implements RotationOutcome {
    }
}
