package dev.mtlscli.runtime.tls;

import dev.mtlscli.runtime.MtlsRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsPolicyTest {

    private static SSLContext context() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        return context;
    }

    @Test
    void defaultIsTls13AndTls12WithForwardSecretAeadSuitesOnly() throws Exception {
        TlsPolicy policy = TlsPolicy.fromEnvironment(Map.of());

        assertEquals(List.of("TLSv1.3", "TLSv1.2"), policy.protocols());
        assertEquals(TlsPolicy.DEFAULT, policy);
        SSLParameters parameters = policy.parametersFor(context());
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, parameters.getProtocols());
        List<String> suites = List.of(parameters.getCipherSuites());
        assertTrue(suites.containsAll(List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")), suites.toString());
        for (String suite : suites) {
            assertTrue(suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_") || suite.startsWith("TLS_ECDHE_"), suite);
            assertTrue(suite.contains("_GCM_") || suite.contains("CHACHA20_POLY1305"), "AEAD only: " + suite);
        }
    }

    @Test
    void strictTls13IsAnOptIn() throws Exception {
        TlsPolicy policy = TlsPolicy.fromEnvironment(Map.of("MTLS_TLS_PROTOCOLS", "TLSv1.3"));
        assertArrayEquals(new String[] {"TLSv1.3"}, policy.parametersFor(context()).getProtocols());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_NOT_A_SUITE"})
    void suitesWithoutForwardSecrecyOrAeadAreRefused(String suite) {
        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class,
                () -> TlsPolicy.fromEnvironment(Map.of("MTLS_CIPHER_SUITES", "TLS_AES_128_GCM_SHA256," + suite)));
        assertTrue(e.getMessage().contains("cipher suite '" + suite + "' is not allowed"), e.getMessage());
    }

    @Test
    void blankVariablesMeanTheDefault() {
        assertEquals(TlsPolicy.DEFAULT, TlsPolicy.fromEnvironment(Map.of("MTLS_TLS_PROTOCOLS", " ", "MTLS_CIPHER_SUITES", "")));
    }

    @Test
    void tls13AndTls12() throws Exception {
        TlsPolicy policy = TlsPolicy.fromEnvironment(Map.of("MTLS_TLS_PROTOCOLS", "TLSv1.3,TLSv1.2"));

        assertEquals(List.of("TLSv1.3", "TLSv1.2"), policy.protocols());
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, policy.parametersFor(context()).getProtocols());
    }

    @Test
    void spacesAndEmptyItemsAreIgnored() {
        TlsPolicy policy = TlsPolicy.fromEnvironment(Map.of("MTLS_TLS_PROTOCOLS", " TLSv1.2 , ,TLSv1.3 "));
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), policy.protocols());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SSLv3", "TLSv1", "TLSv1.1", "TLSv1.3,SSLv3", "tlsv1.3"})
    void legacyOrUnknownProtocolsAreRefused(String protocols) {
        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class,
                () -> TlsPolicy.fromEnvironment(Map.of("MTLS_TLS_PROTOCOLS", protocols)));
        String refused = Arrays.stream(protocols.split(",")).filter(p -> !p.equals("TLSv1.3")).findFirst().orElseThrow();
        assertTrue(e.getMessage().contains("'" + refused + "' is not allowed"), e.getMessage());
    }

    @Test
    void noProtocolIsRefused() {
        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> new TlsPolicy(List.of(), List.of()));
        assertTrue(e.getMessage().contains("names no protocol"), e.getMessage());
    }

    @Test
    void realCipherSuiteIsAccepted() throws Exception {
        TlsPolicy policy = TlsPolicy.fromEnvironment(Map.of("MTLS_CIPHER_SUITES", "TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256"));

        SSLParameters parameters = policy.parametersFor(context());

        assertEquals(List.of("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"), policy.cipherSuites());
        assertArrayEquals(new String[] {"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}, parameters.getCipherSuites());
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, parameters.getProtocols());
    }

    @Test
    void parametersForDoesNotChangeTheContextsDefaults() throws Exception {
        SSLContext context = context();
        String[] before = context.getDefaultSSLParameters().getProtocols();

        new TlsPolicy(List.of("TLSv1.2"), List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")).parametersFor(context);

        assertArrayEquals(before, context.getDefaultSSLParameters().getProtocols());
    }

    @Test
    void listsAreCopied() {
        java.util.ArrayList<String> protocols = new java.util.ArrayList<>(List.of("TLSv1.3"));
        TlsPolicy policy = new TlsPolicy(protocols, List.of());
        protocols.add("SSLv3");
        assertEquals(List.of("TLSv1.3"), policy.protocols());
    }
}
