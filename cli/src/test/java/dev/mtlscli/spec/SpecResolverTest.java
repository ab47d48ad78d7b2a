package dev.mtlscli.spec;

import dev.mtlscli.MtlsException;
import dev.mtlscli.pki.KeyAlgorithm;
import dev.mtlscli.store.StoreType;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Defaults, precedence (flag, then the certificate's own value, then the spec's top level, then the default) and checks. */
class SpecResolverTest {

    private static MtlsSpec.Service service(String name, String host) {
        return new MtlsSpec.Service(name, host, null, null, null, null, null, null);
    }

    private static MtlsSpec spec(MtlsSpec.Service... services) {
        return new MtlsSpec(1, null, null, null, null, List.of(services));
    }

    private static ResolvedSpec.Service only(ResolvedSpec resolved) {
        assertEquals(1, resolved.services().size());
        return resolved.services().get(0);
    }

    private static MtlsException refused(MtlsSpec spec, SpecOverrides flags) {
        return assertThrows(MtlsException.class, () -> SpecResolver.resolve(spec, flags));
    }

    // ---------------------------------------------------------------- defaults

    @Test
    void defaultsOfAMinimalSpec() {
        ResolvedSpec resolved = SpecResolver.resolve(
                new MtlsSpec(null, null, null, null, null, List.of(service("svc", "svc.example.com"))), SpecOverrides.NONE);
        ResolvedSpec.Service svc = only(resolved);

        assertEquals(StoreType.PKCS12, resolved.storeType());
        assertEquals(KeyAlgorithm.EC_P256, svc.keyAlgorithm());
        assertEquals(new ResolvedSpec.Certificate("CN=svc Root CA", SpecResolver.DEFAULT_CA_VALIDITY_DAYS), svc.ca());
        assertEquals(new ResolvedSpec.Certificate("CN=svc.example.com", SpecResolver.DEFAULT_VALIDITY_DAYS), svc.server());
        assertEquals(new ResolvedSpec.Certificate("CN=svc client", SpecResolver.DEFAULT_VALIDITY_DAYS), svc.client());
        assertEquals(List.of("svc.example.com"), svc.dnsNames(), "the host is always the first SAN");
        assertEquals(List.of(), svc.ipAddresses());
        assertEquals(3650, SpecResolver.DEFAULT_CA_VALIDITY_DAYS);
        assertEquals(365, SpecResolver.DEFAULT_VALIDITY_DAYS);
    }

    @Test
    void theDemoSpecResolves() {
        ResolvedSpec resolved = SpecResolver.resolve(SpecReader.demo(), SpecOverrides.NONE);
        assertEquals(List.of("service-1", "service-2"), resolved.services().stream().map(ResolvedSpec.Service::name).toList());
    }

    @Test
    void hostIsNotRepeatedInTheDnsNames() {
        MtlsSpec.Service svc = new MtlsSpec.Service("svc", "svc.example.com", List.of("svc.example.com", "alt.example.com"),
                List.of("10.0.0.1", "::1"), null, null, null, null);
        ResolvedSpec.Service resolved = only(SpecResolver.resolve(spec(svc), SpecOverrides.NONE));
        assertEquals(List.of("svc.example.com", "alt.example.com"), resolved.dnsNames());
        assertEquals(List.of("10.0.0.1", "::1"), resolved.ipAddresses());
    }

    // ---------------------------------------------------------------- precedence

    /** Every level set, so each step down the precedence is visible by removing the level above. */
    private static MtlsSpec layered(Integer specDays, Integer ownServerDays, Integer ownCaDays, Integer specCaDays,
                                    String specAlgorithm, String serviceAlgorithm, String specStoreType) {
        MtlsSpec.Service svc = new MtlsSpec.Service("svc", "svc.example.com", null, null, serviceAlgorithm,
                ownCaDays == null ? null : new MtlsSpec.Certificate(null, ownCaDays),
                ownServerDays == null ? null : new MtlsSpec.Certificate(null, ownServerDays),
                null);
        return new MtlsSpec(1, specAlgorithm, specStoreType, specCaDays, specDays, List.of(svc));
    }

    @Test
    void leafValidityFlagWinsOverCertificateWinsOverSpecWinsOverDefault() {
        SpecOverrides flag = new SpecOverrides(null, 10, null, null);

        ResolvedSpec.Service all = only(SpecResolver.resolve(layered(30, 20, null, null, null, null, null), flag));
        assertEquals(10, all.server().validityDays(), "flag first");
        assertEquals(10, all.client().validityDays(), "the flag applies to every leaf");

        ResolvedSpec.Service noFlag = only(SpecResolver.resolve(layered(30, 20, null, null, null, null, null), SpecOverrides.NONE));
        assertEquals(20, noFlag.server().validityDays(), "then the certificate's own value");
        assertEquals(30, noFlag.client().validityDays(), "a certificate without its own value takes the spec's");

        ResolvedSpec.Service specOnly = only(SpecResolver.resolve(layered(30, null, null, null, null, null, null), SpecOverrides.NONE));
        assertEquals(30, specOnly.server().validityDays(), "then the spec's top level");

        ResolvedSpec.Service none = only(SpecResolver.resolve(layered(null, null, null, null, null, null, null), SpecOverrides.NONE));
        assertEquals(SpecResolver.DEFAULT_VALIDITY_DAYS, none.server().validityDays(), "then the default");
    }

    @Test
    void caValidityFlagWinsOverCertificateWinsOverSpecWinsOverDefault() {
        SpecOverrides flag = new SpecOverrides(null, null, 1000, null);
        assertEquals(1000, only(SpecResolver.resolve(layered(null, null, 900, 800, null, null, null), flag)).ca().validityDays());
        assertEquals(900, only(SpecResolver.resolve(layered(null, null, 900, 800, null, null, null), SpecOverrides.NONE)).ca().validityDays());
        assertEquals(800, only(SpecResolver.resolve(layered(null, null, null, 800, null, null, null), SpecOverrides.NONE)).ca().validityDays());
        assertEquals(SpecResolver.DEFAULT_CA_VALIDITY_DAYS,
                only(SpecResolver.resolve(layered(null, null, null, null, null, null, null), SpecOverrides.NONE)).ca().validityDays());
    }

    @Test
    void keyAlgorithmFlagWinsOverServiceWinsOverSpecWinsOverDefault() {
        SpecOverrides flag = new SpecOverrides(KeyAlgorithm.RSA_3072, null, null, null);
        assertEquals(KeyAlgorithm.RSA_3072,
                only(SpecResolver.resolve(layered(null, null, null, null, "rsa-2048", "ec-p384", null), flag)).keyAlgorithm());
        assertEquals(KeyAlgorithm.EC_P384,
                only(SpecResolver.resolve(layered(null, null, null, null, "rsa-2048", "ec-p384", null), SpecOverrides.NONE)).keyAlgorithm());
        assertEquals(KeyAlgorithm.RSA_2048,
                only(SpecResolver.resolve(layered(null, null, null, null, "rsa-2048", null, null), SpecOverrides.NONE)).keyAlgorithm());
        assertEquals(KeyAlgorithm.EC_P256,
                only(SpecResolver.resolve(layered(null, null, null, null, null, null, null), SpecOverrides.NONE)).keyAlgorithm());
    }

    @Test
    void keyAlgorithmIdsAreReadCaseInsensitively() {
        assertEquals(KeyAlgorithm.RSA_4096,
                only(SpecResolver.resolve(layered(null, null, null, null, " RSA-4096 ", null, null), SpecOverrides.NONE)).keyAlgorithm());
    }

    @Test
    void storeTypeFlagWinsOverSpecWinsOverDefault() {
        assertEquals(StoreType.PKCS12, SpecResolver.resolve(layered(null, null, null, null, null, null, "jks"),
                new SpecOverrides(null, null, null, StoreType.PKCS12)).storeType());
        assertEquals(StoreType.JKS, SpecResolver.resolve(layered(null, null, null, null, null, null, "jks"),
                SpecOverrides.NONE).storeType());
        assertEquals(StoreType.PKCS12, SpecResolver.resolve(layered(null, null, null, null, null, null, null),
                SpecOverrides.NONE).storeType());
    }

    @Test
    void ownSubjectsWinOverTheDefaults() {
        MtlsSpec.Service svc = new MtlsSpec.Service("svc", "svc.example.com", null, null, null,
                new MtlsSpec.Certificate("CN=My CA,O=Acme", null),
                new MtlsSpec.Certificate("CN=svc.example.com,O=Acme", null),
                new MtlsSpec.Certificate("CN=svc client,OU=lambda,O=Acme", null));
        ResolvedSpec.Service resolved = only(SpecResolver.resolve(spec(svc), SpecOverrides.NONE));
        assertEquals("CN=My CA,O=Acme", resolved.ca().subject());
        assertEquals("CN=svc.example.com,O=Acme", resolved.server().subject());
        assertEquals("CN=svc client,OU=lambda,O=Acme", resolved.client().subject());
    }

    // ---------------------------------------------------------------- validity checks

    @Test
    void leafMayEqualButNotExceedItsCa() {
        assertEquals(3650, only(SpecResolver.resolve(spec(service("svc", "svc.example.com")),
                new SpecOverrides(null, 3650, null, null))).server().validityDays());
        MtlsException e = refused(spec(service("svc", "svc.example.com")), new SpecOverrides(null, 3651, null, null));
        assertTrue(e.getMessage().contains("3651") && e.getMessage().contains("3650"), e.getMessage());
    }

    @Test
    void aFlagValidityBeyondALowerCaValidityInTheSpecIsRefused() {
        MtlsException e = refused(layered(null, null, 100, null, null, null, null), new SpecOverrides(null, 200, null, null));
        assertTrue(e.getMessage().contains("exceeds its CA's 100 days"), e.getMessage());
    }

    @Test
    void zeroOrNegativeValiditiesAreRefused() {
        assertTrue(refused(spec(service("svc", "svc.example.com")), new SpecOverrides(null, 0, null, null))
                .getMessage().contains("at least 1 day"));
        assertTrue(refused(spec(service("svc", "svc.example.com")), new SpecOverrides(null, null, -1, null))
                .getMessage().contains("at least 1 day"));
        assertTrue(refused(layered(-3, null, null, null, null, null, null), SpecOverrides.NONE)
                .getMessage().contains("-3"));
    }

    // ---------------------------------------------------------------- other checks

    @Test
    void specLevelChecks() {
        assertTrue(refused(new MtlsSpec(2, null, null, null, null, List.of(service("svc", "svc.example.com"))), SpecOverrides.NONE)
                .getMessage().contains("version 2"));
        assertTrue(refused(new MtlsSpec(1, null, null, null, null, List.of()), SpecOverrides.NONE)
                .getMessage().contains("no services"));
        assertTrue(refused(new MtlsSpec(1, null, null, null, null, null), SpecOverrides.NONE)
                .getMessage().contains("no services"));
        assertTrue(refused(spec(service("svc", "a.example.com"), service("svc", "b.example.com")), SpecOverrides.NONE)
                .getMessage().contains("appears twice"));
        assertTrue(refused(new MtlsSpec(1, "ed448", null, null, null, List.of(service("svc", "svc.example.com"))),
                SpecOverrides.NONE).getMessage().contains("unknown key algorithm 'ed448'"));
        assertTrue(refused(new MtlsSpec(1, null, "pem", null, null, List.of(service("svc", "svc.example.com"))),
                SpecOverrides.NONE).getMessage().contains("unknown store type 'pem'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Service_1", "UPPER", "-lead", "trail-", "has space", "dots.in.name", "",
            "a2345678901234567890123456789012345678901234567890123456789012345"})
    void invalidServiceNames(String name) {
        MtlsException e = refused(spec(service(name, "svc.example.com")), SpecOverrides.NONE);
        assertTrue(e.getMessage().contains("invalid service name '" + name + "'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"svc", "service-1", "a", "1", "0-0"})
    void validServiceNames(String name) {
        assertEquals(name, only(SpecResolver.resolve(spec(service(name, "svc.example.com")), SpecOverrides.NONE)).name());
    }

    /**
     * ServiceNames allows 64 characters, but the default CA subject "CN=<name> Root CA" then has a
     * 72-character commonName, over RFC 5280's ub-common-name of 64, and the spec is refused with
     * a complaint about a subject the user never wrote. A name the rules accept must resolve with
     * the default subjects.
     */
    @Test
    void longestValidServiceNameResolvesWithTheDefaultSubjects() {
        String name = "s" + "0123456789".repeat(6) + "abc";
        assertEquals(64, name.length());
        assertTrue(ServiceNames.isValid(name));
        ResolvedSpec.Service resolved = only(SpecResolver.resolve(spec(service(name, "svc.example.com")), SpecOverrides.NONE));
        assertEquals(name, resolved.name());
    }

    /**
     * A valid DNS host may have up to 253 characters; the default server subject "CN=<host>" can
     * only hold 64. A long host name (the SAN carries it in full) must still resolve without an
     * explicit server subject.
     */
    @Test
    void longValidHostResolvesWithTheDefaultServerSubject() {
        String host = "a-rather-long-backend-host-name-for-a-service." + "internal.example.com"; // 66 characters
        assertTrue(host.length() > 64);
        assertTrue(HostNames.isValidDnsName(host, false));
        ResolvedSpec.Service resolved = only(SpecResolver.resolve(spec(service("svc", host)), SpecOverrides.NONE));
        assertEquals(host, resolved.dnsNames().get(0));
    }

    @Test
    void invalidNamesInAServiceAreRefusedWithTheName() {
        assertTrue(refused(spec(service("svc", "bad_host!")), SpecOverrides.NONE).getMessage()
                .contains("invalid host name 'bad_host!' for service svc"));
        assertTrue(refused(spec(new MtlsSpec.Service("svc", "svc.example.com", List.of("-x.com"), null, null, null, null, null)),
                SpecOverrides.NONE).getMessage().contains("invalid DNS name '-x.com'"));
        assertTrue(refused(spec(new MtlsSpec.Service("svc", "svc.example.com", null, List.of("1.2.3.256"), null, null, null, null)),
                SpecOverrides.NONE).getMessage().contains("invalid IP address '1.2.3.256'"));
        assertTrue(refused(spec(new MtlsSpec.Service("svc", "svc.example.com", null, null, null, null,
                new MtlsSpec.Certificate("no equals sign", null), null)), SpecOverrides.NONE).getMessage()
                .contains("invalid certificate subject"));
    }

    @Test
    void wildcardsAreAllowedInDnsNamesButNotAsTheHost() {
        MtlsSpec.Service wildcard = new MtlsSpec.Service("svc", "svc.example.com", List.of("*.svc.example.com"), null,
                null, null, null, null);
        assertEquals(List.of("svc.example.com", "*.svc.example.com"),
                only(SpecResolver.resolve(spec(wildcard), SpecOverrides.NONE)).dnsNames());
        assertTrue(refused(spec(service("svc", "*.example.com")), SpecOverrides.NONE).getMessage().contains("invalid host name"));
    }

    // ---------------------------------------------------------------- HostNames

    @Nested
    class HostNamesValidation {
        private static final String L63 = "a".repeat(63);

        @ParameterizedTest
        @ValueSource(strings = {"example.com", "svc.example.com", "localhost", "Example.COM", "a-b.c-d.example",
                "xn--bcher-kva.example", "1a.example.com", "a.b.c.d.e.f.example"})
        void validDnsNames(String name) {
            assertTrue(HostNames.isValidDnsName(name, false), name);
            assertTrue(HostNames.isValidDnsName(name, true), name);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "bad_host!", "-x.com", "x-.com", "a..b", ".example.com", "example.com.",
                "has space.com", "bücher.example", "1.2.3.4", "example.123", "*", "a.*.example.com", "ex*.example.com",
                "*.com", "**.example.com"})
        void invalidDnsNames(String name) {
            assertFalse(HostNames.isValidDnsName(name, false), name);
            assertFalse(HostNames.isValidDnsName(name, true), name);
        }

        @Test
        void nullIsInvalid() {
            assertFalse(HostNames.isValidDnsName(null, true));
            assertFalse(HostNames.isValidIpAddress(null));
        }

        @Test
        void wildcardOnlyWhereAllowedAndOnlyAsTheWholeLeftMostLabel() {
            assertTrue(HostNames.isValidDnsName("*.example.com", true));
            assertFalse(HostNames.isValidDnsName("*.example.com", false));
            assertFalse(HostNames.isValidDnsName("*.com", true), "a wildcard needs at least two labels under it");
        }

        @Test
        void labelAndNameLengthLimits() {
            assertTrue(HostNames.isValidDnsName(L63 + ".example.com", false), "63-character label");
            assertFalse(HostNames.isValidDnsName(L63 + "a.example.com", false), "64-character label");
            String name253 = L63 + "." + L63 + "." + L63 + "." + "a".repeat(61);
            assertEquals(253, name253.length());
            assertTrue(HostNames.isValidDnsName(name253, false), "253 characters");
            assertFalse(HostNames.isValidDnsName(name253 + "a", false), "254 characters");
        }

        @ParameterizedTest
        @ValueSource(strings = {"10.0.0.1", "127.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "2001:db8::1",
                "fe80::1", "::ffff:192.0.2.1", "1:2:3:4:5:6:7:8"})
        void validIpAddresses(String address) {
            assertTrue(HostNames.isValidIpAddress(address), address);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "256.0.0.1", "10.0.0", "10.0.0.1.5", "10.0.0.0/8", " 10.0.0.1", "10.0.0.1 ",
                "example.com", "1:2:3:4:5:6:7:8:9", "2001:db8::1::2", "fe80::1%eth0", "0x0a.0.0.1", "-1.2.3.4"})
        void invalidIpAddresses(String address) {
            assertFalse(HostNames.isValidIpAddress(address), address);
        }
    }
}
