package dev.mtlscli.rotation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The inventory `status` prints: every mtls layer with its versions and the functions on them,
 * as found at {@code checkedAt}.
 *
 * @param consumerAccounts the other accounts whose functions were read (the layers' own account always is)
 * @param failedAccounts   accounts whose functions could not be read, with why: their functions are missing
 *                         from this report
 */
public record StatusReport(Instant checkedAt, Duration renewBefore, String layerPrefix, List<InventoryLayer> layers,
                           List<String> consumerAccounts, Map<String, String> failedAccounts) {

    public StatusReport {
        layers = List.copyOf(layers);
        consumerAccounts = List.copyOf(consumerAccounts);
        failedAccounts = Map.copyOf(failedAccounts);
    }

    public StatusReport(Instant checkedAt, Duration renewBefore, String layerPrefix, List<InventoryLayer> layers) {
        this(checkedAt, renewBefore, layerPrefix, layers, List.of(), Map.of());
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
