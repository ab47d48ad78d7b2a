package dev.mtlscli.rotation;

import dev.mtlscli.layer.ListedVersion;
import dev.mtlscli.runtime.layer.LayerManifest;

import dev.mtlscli.spec.ServiceNames;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One version of an mtls layer as `status` sees it: its certificate's expiry (from the manifests
 * inside the layer), what that means against the renewal window, the SSM parameter versions it
 * pins, and the functions that use it.
 *
 * @param createdDate     as Lambda gives it; null for a version that is no longer listed
 * @param deleted         functions use this version but ListLayerVersions no longer lists it
 * @param manifests       the manifests of the layer's mtls/&lt;service&gt;/ directories
 * @param manifestProblem why no manifest could be read, or null
 * @param notAfter        the earliest certificate expiry of the manifests; null when none was read
 * @param daysLeft        whole days from the check to {@code notAfter} (negative once expired); null when none was read
 * @param weaknesses      the key and signature rules the manifests' client certificates break, as "service: rule"
 * @param functions       the functions whose layers include this version, by name
 */
public record InventoryVersion(
        String layerName,
        long version,
        String layerVersionArn,
        String createdDate,
        boolean deleted,
        List<LayerManifest> manifests,
        String manifestProblem,
        Instant notAfter,
        Long daysLeft,
        List<String> weaknesses,
        InventoryState state,
        List<FunctionLayers> functions) {

    public InventoryVersion {
        manifests = List.copyOf(manifests);
        weaknesses = List.copyOf(weaknesses);
        functions = functions.stream().sorted(Comparator.comparing(FunctionLayers::functionName)).toList();
    }

    /** A listed version, judged at {@code now} against the renewal window. */
    static InventoryVersion of(ListedVersion listed, List<FunctionLayers> functions, Instant now, Duration renewBefore) {
        List<LayerManifest> manifests = listed.manifests();
        String problem = listed.manifestProblem();
        String untrusted = untrustedService(manifests);
        if (untrusted != null) {
            // the zip comes from AWS, written by whoever could publish the layer: a service that
            // is no service name (control characters, a repeat) would make its reports ambiguous
            manifests = List.of();
            problem = untrusted;
        }
        if (manifests.isEmpty() && problem == null) {
            problem = "no mtls/<service>/manifest.json in the layer";
        }
        Instant notAfter = manifests.stream().map(LayerManifest::certificateNotAfter).min(Comparator.naturalOrder()).orElse(null);
        List<String> weaknesses = new ArrayList<>();
        for (LayerManifest manifest : manifests) {
            ManifestKeyPolicy.violations(manifest).forEach(rule -> weaknesses.add(manifest.service() + ": " + rule));
        }
        InventoryState state;
        if (notAfter == null) {
            state = InventoryState.UNREADABLE;
        } else if (!notAfter.isAfter(now)) {
            state = InventoryState.EXPIRED;
        } else if (!weaknesses.isEmpty()) {
            state = InventoryState.WEAK;
        } else if (notAfter.isBefore(now.plus(renewBefore))) {
            state = InventoryState.RENEW;
        } else {
            state = InventoryState.OK;
        }
        return new InventoryVersion(listed.layerName(), listed.version(), listed.layerVersionArn(), listed.createdDate(),
                false, manifests, problem, notAfter,
                notAfter == null ? null : daysLeft(now, notAfter), weaknesses, state, functions);
    }

    /** Why the manifests' services cannot be trusted as names, or null when each is a distinct service name. */
    private static String untrustedService(List<LayerManifest> manifests) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (LayerManifest manifest : manifests) {
            String service = manifest.service();
            if (service == null || !ServiceNames.isValid(service)) {
                return "a manifest names the service '" + service + "', which is not a service name: the layer's content is not trusted";
            }
            if (!seen.add(service)) {
                return "two manifests name the service '" + service + "': the layer's content is not trusted";
            }
        }
        return null;
    }

    /** A version that functions use but that is no longer published: there is nothing left to read. */
    static InventoryVersion deleted(String layerName, long version, String layerVersionArn, List<FunctionLayers> functions) {
        return new InventoryVersion(layerName, version, layerVersionArn, null, true, List.of(),
                "the version is deleted, ListLayerVersions no longer lists it",
                null, null, List.of(), InventoryState.UNREADABLE, functions);
    }

    /** Whole days from {@code now} to {@code notAfter}, rounded down (negative once expired). */
    public static long daysLeft(Instant now, Instant notAfter) {
        return Math.floorDiv(Duration.between(now, notAfter).toHours(), 24);
    }

    public boolean inUse() {
        return !functions.isEmpty();
    }

    /** In use and not fine: inside the renewal window, expired, weak, or unreadable. */
    public boolean needsAttention() {
        return inUse() && state != InventoryState.OK;
    }

    /** The SSM parameter versions the manifests pin (NAME:VERSION), keystore then truststore, per manifest. */
    public List<String> pinnedParameters() {
        List<String> pins = new ArrayList<>();
        for (LayerManifest manifest : manifests) {
            pins.add(manifest.keyStore().password().selector());
            pins.add(manifest.trustStore().password().selector());
        }
        return pins.stream().distinct().toList();
    }

    public List<String> functionNames() {
        return functions.stream().map(FunctionLayers::functionName).toList();
    }
}
