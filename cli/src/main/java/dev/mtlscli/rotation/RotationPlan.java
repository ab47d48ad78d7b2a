package dev.mtlscli.rotation;

import dev.mtlscli.layer.Grant;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a rotation of one service will do, decided from what is deployed. It is written to the
 * journal before anything changes and read back from there when a rotation is resumed, so it
 * holds only names and ARNs.
 *
 * @param currentArn       the newest published layer version
 * @param currentNotAfter  the expiry of its client certificate
 * @param parameterPrefix  where the current version keeps its passwords, reused by the new one
 * @param grants           the grants of the current version, given to the new one
 * @param moves            the consumer functions to move, in the order they will be moved
 */
public record RotationPlan(
        String rotationId,
        String service,
        String layerName,
        String currentArn,
        Instant currentNotAfter,
        MaterialStep materialStep,
        String reason,
        String parameterPrefix,
        List<Grant> grants,
        List<String> compatibleRuntimes,
        List<Move> moves) {

    public RotationPlan {
        grants = List.copyOf(grants);
        compatibleRuntimes = List.copyOf(compatibleRuntimes);
        moves = List.copyOf(moves);
    }

    /** True when there is nothing to publish and no function to move. */
    public boolean isEmpty() {
        return materialStep == MaterialStep.NONE && moves.isEmpty();
    }

    Map<String, String> toJournal() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("service", service);
        details.put("layerName", layerName);
        details.put("currentArn", currentArn);
        details.put("currentNotAfter", currentNotAfter.toString());
        details.put("materialStep", materialStep.name());
        details.put("reason", reason);
        details.put("parameterPrefix", parameterPrefix);
        details.put("grants", String.join(",", grants.stream().map(g -> g.kind().name() + ":" + g.grantee()).toList()));
        details.put("runtimes", String.join(",", compatibleRuntimes));
        details.put("functions", String.join(",", moves.stream().map(m -> m.functionName() + "=" + m.fromArn()).toList()));
        return details;
    }

    static RotationPlan fromJournal(String rotationId, Map<String, String> details) {
        List<Grant> grants = new ArrayList<>();
        for (String grant : split(details.get("grants"))) {
            int colon = grant.indexOf(':');
            grants.add(new Grant(Grant.Kind.valueOf(grant.substring(0, colon)), grant.substring(colon + 1)));
        }
        List<Move> moves = new ArrayList<>();
        for (String move : split(details.get("functions"))) {
            int equals = move.indexOf('=');
            moves.add(new Move(move.substring(0, equals), move.substring(equals + 1)));
        }
        return new RotationPlan(rotationId, details.get("service"), details.get("layerName"), details.get("currentArn"),
                Instant.parse(details.get("currentNotAfter")), MaterialStep.valueOf(details.get("materialStep")),
                details.get("reason"), details.get("parameterPrefix"), grants, split(details.get("runtimes")), moves);
    }

    private static List<String> split(String value) {
        return value == null || value.isEmpty() ? List.of() : List.of(value.split(","));
    }
}
