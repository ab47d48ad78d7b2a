package dev.mtlscli.rotation;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.aws.LayerVersionArn;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.LayerVersionsListItem;

import java.util.List;

/**
 * Checks the version a rotation moves functions to against what Lambda holds, once per run,
 * before any function moves: it is a version of this rotation's layer (same account, region
 * and name), it exists (GetLayerVersion), it is not older than the version the rotation
 * started from, and no newer version has been published since (ListLayerVersions, newest
 * first): a journal edited by hand, or a stale copy of the workspace, must not move functions.
 */
public final class TargetVersionCheck {
    private final LambdaClient lambda;
    private final FunctionMover mover;

    public TargetVersionCheck(LambdaClient lambda, FunctionMover mover) {
        this.lambda = lambda;
        this.mover = mover;
    }

    /**
     * @param journaledAt where the journal recorded the target ("FILE line N"), or null when the
     *                    plan or this run's publish gave it
     */
    public void check(RotationPlan plan, String target, String journaledAt) {
        String source = journaledAt != null ? journaledAt : "rotation " + plan.rotationId();
        LayerVersionArn ours = LayerVersionArn.parseOrNull(target);
        LayerVersionArn current = LayerVersionArn.parse(plan.currentArn());
        if (ours == null || !ours.layerArn().equals(current.layerArn())) {
            throw untrusted(source, target + " is not a version of layer " + current.layerArn());
        }
        if (ours.version() < current.version()) {
            throw untrusted(source, target + " is older than " + current.arn() + ", the version rotation "
                    + plan.rotationId() + " started from");
        }
        if (!mover.exists(ours)) {
            throw untrusted(source, target + " does not exist in Lambda");
        }
        List<LayerVersionsListItem> newest = AwsCalls.call(AwsService.LAMBDA, "ListLayerVersions " + ours.layerName(),
                () -> lambda.listLayerVersions(b -> b.layerName(ours.layerArn()).maxItems(1)).layerVersions());
        if (!newest.isEmpty() && newest.get(0).version() != null && newest.get(0).version() > ours.version()) {
            throw new MtlsException("rotation " + plan.rotationId() + " stopped before moving any more function: layer "
                    + ours.layerName() + " has a newer version (" + newest.get(0).layerVersionArn() + ") than its target "
                    + ours.arn() + ", published since from another copy of the workspace or by someone else; undo this "
                    + "rotation with rotate --rollback (it moves back only functions still on " + ours.arn()
                    + "), then run rotate, which plans from what is deployed");
        }
    }

    private static MtlsException untrusted(String source, String why) {
        return new MtlsException(source + ": the target " + why + "; the journal cannot be trusted: move it aside (keep it, it "
                + "is the audit trail) and run rotate again, which plans from what is deployed");
    }
}
