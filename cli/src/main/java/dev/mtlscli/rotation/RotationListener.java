package dev.mtlscli.rotation;

/**
 * Told what a rotation is doing while it runs, so that its caller can show or log it: the
 * command prints it, the scheduled rotator logs it. Nothing here decides anything; the outcome
 * of a run is the {@link RotationOutcome} it returns. Called from the rotation's threads.
 */
public interface RotationListener extends RotationObserver {
    RotationListener NONE = new RotationListener() {
    };

    /**
     * A line the person or the log should see as it happens: a resumed rotation, what was
     * published, a KMS key scheduled for deletion, a layer version pruned. Never a secret.
     */
    default void notice(String line) {
    }

    /** The plan of a single-region rotation, before anything changes (also for a dry run). */
    default void planned(RotationPlan plan, boolean resumed) {
    }

    /** A step done, right after the journal records it (see {@link RotationObserver}). */
    @Override
    default void done(String step, String detail) {
    }
}
