package dev.mtlscli.rotation;

import java.util.List;

/**
 * What a rotation run did.
 *
 * @param moved        functions moved to the target in this run
 * @param alreadyDone  functions the journal or Lambda showed on the target already
 */
public record RotationResult(String rotationId, String targetArn, boolean resumed, List<String> moved, List<String> alreadyDone) {
    public RotationResult {
        moved = List.copyOf(moved);
        alreadyDone = List.copyOf(alreadyDone);
    }
}
