package dev.mtlscli.rotation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The inventory `status` prints: every mtls layer with its versions and the functions on them,
 * as found at {@code checkedAt}.
 */
public record StatusReport(Instant checkedAt, Duration renewBefore, String layerPrefix, List<InventoryLayer> layers) {

    public StatusReport {
        layers = List.copyOf(layers);
    }

    /** The versions in use that are inside the renewal window, expired, or unreadable, layer by layer. */
    public List<InventoryVersion> attention() {
        return layers.stream().flatMap(layer -> layer.versions().stream()).filter(InventoryVersion::needsAttention).toList();
    }

    /** Whether any version in use needs attention (the exit code 3 of `status`). */
    public boolean needsAttention() {
        return !attention().isEmpty();
    }

    public long renewBeforeDays() {
        return renewBefore.toDays();
    }
}
