package dev.mtlscli.rotation;

import java.util.List;
import java.util.OptionalLong;

/**
 * An mtls layer of the account: its versions, newest first, including versions that are deleted
 * but still used by functions.
 *
 * @param layerArn the layer's ARN without version; null when nothing of it was found
 */
public record InventoryLayer(String layerName, String layerArn, List<InventoryVersion> versions) {

    public InventoryLayer {
        versions = List.copyOf(versions);
    }

    /** The newest published (not deleted) version; empty when none is published. */
    public OptionalLong newestVersion() {
        return versions.stream().filter(v -> !v.deleted()).mapToLong(InventoryVersion::version).max();
    }

    /** Functions on the newest version. */
    public long functionsOnNewestVersion() {
        OptionalLong newest = newestVersion();
        return versions.stream().filter(v -> newest.isPresent() && v.version() == newest.getAsLong())
                .mapToLong(v -> v.functions().size()).sum();
    }

    /** Functions still on a version older than the newest (or on a deleted one). */
    public long functionsOnOlderVersions() {
        OptionalLong newest = newestVersion();
        return versions.stream().filter(v -> newest.isEmpty() || v.version() != newest.getAsLong())
                .flatMap(v -> v.functions().stream()).map(FunctionLayers::functionName).distinct().count();
    }

    public boolean needsAttention() {
        return versions.stream().anyMatch(InventoryVersion::needsAttention);
    }
}
