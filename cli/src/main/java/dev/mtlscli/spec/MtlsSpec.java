package dev.mtlscli.spec;

import java.util.List;

/**
 * The spec file (mtls.json) as written by users: everything optional except the services.
 * {@link SpecResolver} turns it into a {@link ResolvedSpec} with defaults applied and every value checked.
 */
public record MtlsSpec(
        Integer version,
        String keyAlgorithm,
        String storeType,
        Integer caValidityDays,
        Integer validityDays,
        List<Service> services,
        Boolean sharedTrustStore) {

    public MtlsSpec(Integer version, String keyAlgorithm, String storeType, Integer caValidityDays, Integer validityDays,
                    List<Service> services) {
        this(version, keyAlgorithm, storeType, caValidityDays, validityDays, services, null);
    }

    public record Service(
            String name,
            String host,
            List<String> dnsNames,
            List<String> ipAddresses,
            String keyAlgorithm,
            Certificate ca,
            Certificate server,
            Certificate client) {
    }

    public record Certificate(String subject, Integer validityDays) {
    }
}
