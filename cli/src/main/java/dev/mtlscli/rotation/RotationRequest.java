package dev.mtlscli.rotation;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What `rotate` was asked to do for one service.
 *
 * @param functionNames  only these consumers (empty: every function that uses the layer)
 * @param functionTags   only consumers with all these tags
 * @param caRollover     which CA rollover step was asked for, NONE for a plain renewal
 */
public record RotationRequest(
        String service,
        String layerNameTemplate,
        Duration renewBefore,
        boolean force,
        List<String> functionNames,
        Map<String, String> functionTags,
        CaRolloverRequest caRollover) {

    public RotationRequest {
        functionNames = List.copyOf(functionNames);
        functionTags = Map.copyOf(functionTags);
    }

    public String layerName() {
        return layerNameTemplate.replace("{service}", service);
    }

    public enum CaRolloverRequest {
        NONE,
        /** --new-ca: start a rollover, or continue one that is prepared but not confirmed. */
        NEW_CA,
        /** --new-ca --backend-trusts-new-ca: the backend deployed the two-CA bundle. */
        NEW_CA_CONFIRMED,
        /** --complete-ca-rollover: drop the old CA. */
        COMPLETE
    }
}
