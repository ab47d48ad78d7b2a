package dev.mtlscli.spec;

import dev.mtlscli.pki.KeyAlgorithm;
import dev.mtlscli.store.StoreType;

import java.util.List;

/**
 * A spec with every default applied and every value validated: what certs create builds.
 *
 * @param sharedTrustStore one truststore trusting every service's CA, as the workspaces of
 *                         mtls-cli before 0.2 and the AWS sample have it; off by default, because
 *                         then a leaked CA key of one service impersonates every backend
 */
public record ResolvedSpec(StoreType storeType, List<Service> services, boolean sharedTrustStore) {

    public ResolvedSpec {
        services = List.copyOf(services);
    }

    public ResolvedSpec(StoreType storeType, List<Service> services) {
        this(storeType, services, false);
    }

    public record Service(
            String name,
            String host,
            List<String> dnsNames,
            List<String> ipAddresses,
            KeyAlgorithm keyAlgorithm,
            Certificate ca,
            Certificate server,
            Certificate client) {

        public Service {
            dnsNames = List.copyOf(dnsNames);
            ipAddresses = List.copyOf(ipAddresses);
        }
    }

    public record Certificate(String subject, int validityDays) {
    }
}
