package dev.mtlscli.spec;

import dev.mtlscli.pki.KeyAlgorithm;
import dev.mtlscli.store.StoreType;

import java.util.List;

/** A spec with every default applied and every value validated: what certs create builds. */
public record ResolvedSpec(StoreType storeType, List<Service> services) {

    public ResolvedSpec {
        services = List.copyOf(services);
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
