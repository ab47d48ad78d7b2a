package dev.mtlscli.runtime.layer;

import dev.mtlscli.runtime.MtlsRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterRefTest {

    @Test
    void parseSplitsNameAndVersion() {
        ParameterRef ref = ParameterRef.parse("/mtls/service-1/keystore-password:3");

        assertEquals("/mtls/service-1/keystore-password", ref.name());
        assertEquals(3, ref.version());
    }

    @Test
    void selectorIsNameColonVersion() {
        ParameterRef ref = new ParameterRef("/mtls/service-2/truststore-password", 12);

        assertEquals("/mtls/service-2/truststore-password:12", ref.selector());
        assertEquals(ref.selector(), ref.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/mtls/service-1/keystore-password:1", "/a:1", "/mtls/x/y:9007199254740993"})
    void parseOfSelectorRoundTrips(String selector) {
        assertEquals(selector, ParameterRef.parse(selector).selector());
    }

    @Test
    void equalByNameAndVersion() {
        assertEquals(new ParameterRef("/mtls/s/keystore-password", 1), ParameterRef.parse("/mtls/s/keystore-password:1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/mtls/service-1/keystore-password", "", "nocolon"})
    void withoutVersion(String selector) {
        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> ParameterRef.parse(selector));
        assertTrue(e.getMessage().contains("'" + selector + "' has no version"), e.getMessage());
        assertTrue(e.getMessage().contains("NAME:VERSION"), e.getMessage());
    }

    @Test
    void nullSelector() {
        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> ParameterRef.parse(null));
        assertTrue(e.getMessage().contains("has no version"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/mtls/service-1/keystore-password:", "/mtls/service-1/keystore-password:latest",
            "/mtls/service-1/keystore-password:1.5", "/mtls/service-1/keystore-password: 1"})
    void versionThatIsNotANumber(String selector) {
        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> ParameterRef.parse(selector));
        assertTrue(e.getMessage().contains("'" + selector + "' has no numeric version"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/mtls/service-1/keystore-password:0", "/mtls/service-1/keystore-password:-2"})
    void versionBelowOne(String selector) {
        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> ParameterRef.parse(selector));
        assertTrue(e.getMessage().contains("invalid version"), e.getMessage());
        assertTrue(e.getMessage().contains("/mtls/service-1/keystore-password"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mtls/service-1/keystore-password:1", "keystore-password:1", "/a:b:1"})
    void nameThatIsNotAPath(String selector) {
        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> ParameterRef.parse(selector));
        assertTrue(e.getMessage().contains("invalid SSM parameter name"), e.getMessage());
    }

    @Test
    void constructorChecksToo() {
        assertThrows(MtlsRuntimeException.class, () -> new ParameterRef(null, 1));
        assertThrows(MtlsRuntimeException.class, () -> new ParameterRef("/a", 0));
    }
}
