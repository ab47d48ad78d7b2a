package dev.mtlscli.telemetry;

import dev.mtlscli.rotation.InventoryLayer;
import dev.mtlscli.rotation.InventoryVersion;
import dev.mtlscli.runtime.layer.LayerManifest;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the expiry alarms watch for one service in one account-region: the days left on the
 * certificate of the newest layer version, and on the oldest certificate a consumer still pins.
 *
 * <p>Never healthier than the truth: a certificate that cannot be read (no published version, a
 * manifest that does not parse, a deleted version still pinned) counts as {@link #UNREADABLE}
 * days, which is below any alarm threshold; an expired one counts its negative days (at least -1). A service
 * with no consumers pins nothing, so its pinned figure is that of its newest version: the metric
 * is always written, because the alarms treat a missing datum as breaching.
 */
public record ServiceHealth(String service, long daysToExpiry, long pinnedDaysToExpiry) {
    /** Days reported for a certificate that cannot be read: as bad as one expiring now. */
    public static final long UNREADABLE = 0;

    /** The health of {@code service} in {@code layer} (null when the layer was not found), as of {@code now}. */
    public static ServiceHealth of(String service, InventoryLayer layer, Instant now) {
        if (layer == null) {
            return new ServiceHealth(service, UNREADABLE, UNREADABLE);
        }
        OptionalLong newest = layer.newestVersion();
        long current = UNREADABLE;
        if (newest.isPresent()) {
            current = layer.versions().stream().filter(v -> v.version() == newest.getAsLong()).findFirst()
                    .map(v -> days(service, v, now)).orElse(UNREADABLE);
        }
        long pinned = layer.versions().stream().filter(InventoryVersion::inUse)
                .mapToLong(v -> days(service, v, now)).min().orElse(current);
        return new ServiceHealth(service, current, pinned);
    }

    private static long days(String service, InventoryVersion version, Instant now) {
        Optional<Instant> notAfter = version.manifests().stream().filter(m -> service.equals(m.service()))
                .map(LayerManifest::certificateNotAfter).filter(java.util.Objects::nonNull).findFirst();
        // daysLeft truncates to whole hours first, so a certificate expired minutes ago would
        // read 0 like one that is still valid for an hour: an expired one is at least a day short
        return notAfter.map(instant -> instant.isAfter(now) ? InventoryVersion.daysLeft(now, instant)
                : Math.min(-1, InventoryVersion.daysLeft(now, instant))).orElse(UNREADABLE);
    }
}
