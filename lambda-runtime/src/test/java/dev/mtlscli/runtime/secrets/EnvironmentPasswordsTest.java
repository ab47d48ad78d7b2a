package dev.mtlscli.runtime.secrets;

import dev.mtlscli.runtime.MtlsRuntimeException;
import dev.mtlscli.runtime.layer.ParameterRef;
import org.junit.jupiter.api.Test;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvironmentPasswordsTest {
    private static final ParameterRef KEYSTORE = ParameterRef.parse("/mtls/service-1/keystore-password:1");
    private static final ParameterRef TRUSTSTORE = ParameterRef.parse("/mtls/service-1/truststore-password:1");

    /**
     * An environment that records every variable read and refuses whole-map access, so a test
     * sees exactly which variables the provider looked at.
     */
    private static final class RecordingEnvironment extends AbstractMap<String, String> {
        private final Map<String, String> values;
        final Set<String> read = new LinkedHashSet<>();

        RecordingEnvironment(Map<String, String> values) {
            this.values = new HashMap<>(values);
        }

        @Override
        public String get(Object key) {
            read.add((String) key);
            return values.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            read.add((String) key);
            return values.containsKey(key);
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            throw new AssertionError("the provider must not scan the whole environment");
        }
    }

    @Test
    void explicitMappingGivesThePasswords() {
        RecordingEnvironment env = new RecordingEnvironment(Map.of(
                "KEYSTORE_PASSWORD", "ks-secret", "TRUSTSTORE_PASSWORD", "ts-secret", "UNRELATED", "x"));
        EnvironmentPasswords passwords = new EnvironmentPasswords(
                Map.of(KEYSTORE, "KEYSTORE_PASSWORD", TRUSTSTORE, "TRUSTSTORE_PASSWORD"), env);

        Map<ParameterRef, char[]> result = passwords.passwords(List.of(KEYSTORE, TRUSTSTORE));

        assertEquals(Set.of(KEYSTORE, TRUSTSTORE), result.keySet());
        assertArrayEquals("ks-secret".toCharArray(), result.get(KEYSTORE));
        assertArrayEquals("ts-secret".toCharArray(), result.get(TRUSTSTORE));
        assertEquals(Set.of("KEYSTORE_PASSWORD", "TRUSTSTORE_PASSWORD"), env.read);
    }

    @Test
    void onlyTheAskedParametersAreRead() {
        RecordingEnvironment env = new RecordingEnvironment(Map.of("KEYSTORE_PASSWORD", "ks", "TRUSTSTORE_PASSWORD", "ts"));
        EnvironmentPasswords passwords = new EnvironmentPasswords(
                Map.of(KEYSTORE, "KEYSTORE_PASSWORD", TRUSTSTORE, "TRUSTSTORE_PASSWORD"), env);

        Map<ParameterRef, char[]> result = passwords.passwords(List.of(TRUSTSTORE));

        assertEquals(Set.of(TRUSTSTORE), result.keySet());
        assertEquals(Set.of("TRUSTSTORE_PASSWORD"), env.read);
    }

    @Test
    void missingVariableNamesTheParameterAndTheVariable() {
        RecordingEnvironment env = new RecordingEnvironment(Map.of("KEYSTORE_PASSWORD", "ks"));
        EnvironmentPasswords passwords = new EnvironmentPasswords(
                Map.of(KEYSTORE, "KEYSTORE_PASSWORD", TRUSTSTORE, "TRUSTSTORE_PASSWORD"), env);

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class,
                () -> passwords.passwords(List.of(KEYSTORE, TRUSTSTORE)));

        assertTrue(e.getMessage().contains("/mtls/service-1/truststore-password:1"), e.getMessage());
        assertTrue(e.getMessage().contains("TRUSTSTORE_PASSWORD"), e.getMessage());
        assertFalse(e.getMessage().contains("ks"), "no password in the message: " + e.getMessage());
    }

    @Test
    void emptyVariableCountsAsMissing() {
        EnvironmentPasswords passwords = new EnvironmentPasswords(Map.of(KEYSTORE, "KEYSTORE_PASSWORD"),
                Map.of("KEYSTORE_PASSWORD", ""));

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> passwords.passwords(List.of(KEYSTORE)));

        assertTrue(e.getMessage().contains("KEYSTORE_PASSWORD"), e.getMessage());
        assertTrue(e.getMessage().contains(KEYSTORE.selector()), e.getMessage());
    }

    @Test
    void unmappedParameterReadsNoVariableAtAll() {
        // variables named like the parameter exist, but nothing maps to them: no guessing, no fallback
        RecordingEnvironment env = new RecordingEnvironment(Map.of(
                "KEYSTORE_PASSWORD", "guess-1", "MTLS_SERVICE_1_KEYSTORE_PASSWORD", "guess-2",
                "/mtls/service-1/keystore-password:1", "guess-3", "/mtls/service-1/keystore-password", "guess-4"));
        EnvironmentPasswords passwords = new EnvironmentPasswords(Map.of(TRUSTSTORE, "TRUSTSTORE_PASSWORD"), env);

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> passwords.passwords(List.of(KEYSTORE)));

        assertTrue(e.getMessage().contains("/mtls/service-1/keystore-password:1"), e.getMessage());
        assertEquals(Set.of(), env.read, "read variables that no mapping names");
    }

    @Test
    void theMappingIsCopied() {
        Map<ParameterRef, String> mapping = new HashMap<>(Map.of(KEYSTORE, "A"));
        EnvironmentPasswords passwords = new EnvironmentPasswords(mapping, Map.of("A", "a", "B", "b"));
        mapping.put(KEYSTORE, "B");

        assertArrayEquals("a".toCharArray(), passwords.passwords(List.of(KEYSTORE)).get(KEYSTORE));
    }

    @Test
    void theSameParameterTwiceIsFine() {
        EnvironmentPasswords passwords = new EnvironmentPasswords(Map.of(KEYSTORE, "A"), Map.of("A", "a"));
        assertEquals(1, passwords.passwords(List.of(KEYSTORE, KEYSTORE)).size());
    }
}
