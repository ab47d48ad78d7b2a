package dev.mtlscli.aws;

import dev.mtlscli.MtlsException;

import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to reach AWS, as the user asked for it: an explicit region and profile (null: the SDK's
 * default chains decide), endpoint overrides, one for every service or per service, and whether
 * plain http to a non-loopback endpoint was explicitly allowed.
 */
public record AwsSettings(String region, String profile, URI endpoint, Map<AwsService, URI> serviceEndpoints,
                          boolean allowInsecureEndpoint) {

    public AwsSettings {
        serviceEndpoints = serviceEndpoints.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(serviceEndpoints));
    }

    /** Plain http only to loopback (see {@link EndpointSecurity}). */
    public AwsSettings(String region, String profile, URI endpoint, Map<AwsService, URI> serviceEndpoints) {
        this(region, profile, endpoint, serviceEndpoints, false);
    }

    public AwsSettings withRegion(String newRegion) {
        return new AwsSettings(newRegion, profile, endpoint, serviceEndpoints, allowInsecureEndpoint);
    }

    /**
     * One settings per region named (checked, each once, in the order given) for a command that
     * works on several regions; just these settings when none is named.
     */
    public List<AwsSettings> perRegion(List<String> regions) {
        if (regions == null || regions.isEmpty()) {
            return List.of(this);
        }
        if (region != null) {
            throw new MtlsException("give --region or --regions, not both");
        }
        List<AwsSettings> settings = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String id : regions) {
            String trimmed = id.trim();
            AwsRegions.validate(trimmed);
            if (!seen.add(trimmed)) {
                throw new MtlsException("region " + trimmed + " is named twice in --regions");
            }
            settings.add(withRegion(trimmed));
        }
        return List.copyOf(settings);
    }

    public static AwsSettings defaults() {
        return new AwsSettings(null, null, null, Map.of());
    }

    /** The endpoint a service's client is pointed at, or null for the SDK's own. */
    public URI endpointOf(AwsService service) {
        URI specific = serviceEndpoints.get(service);
        return specific != null ? specific : endpoint;
    }
}
