package dev.mtlscli.aws;

import java.net.URI;
import java.util.EnumMap;
import java.util.Map;

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

    public static AwsSettings defaults() {
        return new AwsSettings(null, null, null, Map.of());
    }

    /** The endpoint a service's client is pointed at, or null for the SDK's own. */
    public URI endpointOf(AwsService service) {
        URI specific = serviceEndpoints.get(service);
        return specific != null ? specific : endpoint;
    }
}
