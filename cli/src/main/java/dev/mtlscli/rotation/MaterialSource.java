package dev.mtlscli.rotation;

import dev.mtlscli.layer.LayerMaterial;

import java.time.Instant;

/**
 * Where a rotation's new client material comes from: which CA step a request leads to, the step
 * itself, and the material it leaves, to be published. The workspace is one source
 * ({@link WorkspaceMaterialSteps}); the scheduled rotator supplies material kept in AWS.
 */
public interface MaterialSource extends RotationRunner.Material {
    /**
     * The material step a CA rollover request leads to from where the rollover stands;
     * {@link MaterialStep#NONE} for a plain renewal (the planner decides that one from expiry).
     *
     * @throws WaitingForConfirmation when the step must wait for a person to confirm something
     */
    MaterialStep caStep(RotationRequest.CaRolloverRequest request);

    /** Changes the material for a step; done again after a crash, so it must be repeatable. */
    @Override
    void apply(MaterialStep step);

    /** The material as it stands now, checked (valid at {@code now}) and ready to be published as a layer version. */
    LayerMaterial publishable(Instant now);

    /**
     * The material to publish for {@code plan}; a source that keeps its material in memory reads
     * it back from what the plan's rotation published before a crash, so that a re-run publishes
     * no second version.
     */
    default LayerMaterial publishable(RotationPlan plan, Instant now) {
        return publishable(now);
    }
}
