package dev.mtlscli.spec;

import dev.mtlscli.MtlsException;
import dev.mtlscli.pki.DistinguishedNames;
import dev.mtlscli.pki.KeyAlgorithm;
import dev.mtlscli.store.StoreType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Applies defaults and command-line overrides to a spec and checks every value, so that
 * generation never starts on input that would fail halfway.
 * Precedence: flag, then the certificate's own value, then the spec's top level, then the default.
 */
public final class SpecResolver {
    public static final int DEFAULT_CA_VALIDITY_DAYS = 3650;
    public static final int DEFAULT_VALIDITY_DAYS = 365;
    /** Beyond this, notAfter dates get near the year 9999 that X.509 time encodings end at. */
    public static final int MAX_VALIDITY_DAYS = 36_500;
    private static final int SUPPORTED_VERSION = 1;

    private SpecResolver() {
    }

    public static ResolvedSpec resolve(MtlsSpec spec, SpecOverrides flags) {
        if (spec.version() != null && spec.version() != SUPPORTED_VERSION) {
            throw new MtlsException("spec version " + spec.version() + " is not supported (expected " + SUPPORTED_VERSION + ")");
        }
        if (spec.services() == null || spec.services().isEmpty()) {
            throw new MtlsException("the spec names no services");
        }
        StoreType storeType = flags.storeType() != null ? flags.storeType()
                : spec.storeType() != null ? StoreType.fromId(spec.storeType()) : StoreType.PKCS12;
        KeyAlgorithm specAlgorithm = spec.keyAlgorithm() != null ? KeyAlgorithm.fromId(spec.keyAlgorithm()) : KeyAlgorithm.EC_P256;
        int caDays = firstNonNull(flags.caValidityDays(), spec.caValidityDays(), DEFAULT_CA_VALIDITY_DAYS);
        int leafDays = firstNonNull(flags.validityDays(), spec.validityDays(), DEFAULT_VALIDITY_DAYS);

        Set<String> names = new HashSet<>();
        List<ResolvedSpec.Service> services = new ArrayList<>();
        for (MtlsSpec.Service service : spec.services()) {
            if (service == null) {
                throw new MtlsException("the spec has an empty service entry");
            }
            if (!ServiceNames.isValid(service.name())) {
                throw new MtlsException("invalid service name '" + service.name()
                        + "' (lower-case letters, digits and '-', at most 64 characters)");
            }
            if (!names.add(service.name())) {
                throw new MtlsException("service '" + service.name() + "' appears twice in the spec");
            }
            services.add(resolveService(service, flags, specAlgorithm, caDays, leafDays));
        }
        return new ResolvedSpec(storeType, services, Boolean.TRUE.equals(spec.sharedTrustStore()));
    }

    private static ResolvedSpec.Service resolveService(MtlsSpec.Service service, SpecOverrides flags,
                                                       KeyAlgorithm specAlgorithm, int caDays, int leafDays) {
        String name = service.name();
        if (!HostNames.isValidDnsName(service.host(), false)) {
            throw new MtlsException("invalid host name '" + service.host() + "' for service " + name);
        }
        Set<String> dnsNames = new LinkedHashSet<>();
        dnsNames.add(service.host());
        for (String dnsName : orEmpty(service.dnsNames())) {
            if (!HostNames.isValidDnsName(dnsName, true)) {
                throw new MtlsException("invalid DNS name '" + dnsName + "' for service " + name);
            }
            dnsNames.add(dnsName);
        }
        for (String ip : orEmpty(service.ipAddresses())) {
            if (!HostNames.isValidIpAddress(ip)) {
                throw new MtlsException("invalid IP address '" + ip + "' for service " + name);
            }
        }
        KeyAlgorithm algorithm = flags.keyAlgorithm() != null ? flags.keyAlgorithm()
                : service.keyAlgorithm() != null ? KeyAlgorithm.fromId(service.keyAlgorithm()) : specAlgorithm;

        ResolvedSpec.Certificate ca = certificate(service.ca(), flags.caValidityDays(), caDays,
                DefaultSubjects.ca(name), name + " CA");
        ResolvedSpec.Certificate server = certificate(service.server(), flags.validityDays(), leafDays,
                DefaultSubjects.server(name, service.host()), name + " server certificate");
        ResolvedSpec.Certificate client = certificate(service.client(), flags.validityDays(), leafDays,
                DefaultSubjects.client(name), name + " client certificate");
        for (ResolvedSpec.Certificate leaf : List.of(server, client)) {
            if (leaf.validityDays() > ca.validityDays()) {
                throw new MtlsException("validity of " + leaf.validityDays() + " days for service " + name
                        + " exceeds its CA's " + ca.validityDays() + " days");
            }
        }
        return new ResolvedSpec.Service(name, service.host(), List.copyOf(dnsNames), orEmpty(service.ipAddresses()),
                algorithm, ca, server, client);
    }

    private static ResolvedSpec.Certificate certificate(MtlsSpec.Certificate given, Integer flagDays, int defaultDays,
                                                        String defaultSubject, String what) {
        Integer ownDays = given == null ? null : given.validityDays();
        int days = firstNonNull(flagDays, ownDays, defaultDays);
        if (days <= 0) {
            throw new MtlsException("validity must be at least 1 day, got " + days + " for the " + what);
        }
        if (days > MAX_VALIDITY_DAYS) {
            throw new MtlsException("validity of " + days + " days for the " + what + " is more than "
                    + MAX_VALIDITY_DAYS + " days (100 years)");
        }
        String subject = given == null || given.subject() == null ? defaultSubject : given.subject();
        DistinguishedNames.parse(subject);
        return new ResolvedSpec.Certificate(subject, days);
    }

    private static int firstNonNull(Integer first, Integer second, int fallback) {
        return Objects.requireNonNullElse(first, Objects.requireNonNullElse(second, fallback));
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }
}
