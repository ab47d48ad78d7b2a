package dev.mtlscli.runtime.tls;

import dev.mtlscli.runtime.MtlsRuntimeException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which TLS versions and cipher suites a client may negotiate. By default TLS 1.3 and TLS 1.2,
 * because many backends (nginx 1.22 without ssl_protocols, the AWS sample's configuration)
 * offer TLS 1.2 only; TLS 1.2 is then limited to forward-secret ECDHE with AEAD ciphers (no CBC,
 * no RSA key exchange), which is what TLS 1.3 guarantees by construction. MTLS_TLS_PROTOCOLS=TLSv1.3
 * is the strict opt-in. An empty cipher list means {@link #AEAD_SUITES}; an explicit one
 * (MTLS_CIPHER_SUITES=...) must be a subset of it.
 *
 * @param protocols    TLSv1.3 and/or TLSv1.2, nothing older
 * @param cipherSuites a subset of {@link #AEAD_SUITES}, in order of preference; empty for all of them
 */
public record TlsPolicy(List<String> protocols, List<String> cipherSuites) {
    /** {@code MTLS_TLS_PROTOCOLS}: comma-separated, e.g. {@code TLSv1.3} for TLS 1.3 only. */
    public static final String PROTOCOLS_ENV = "MTLS_TLS_PROTOCOLS";
    /** {@code MTLS_CIPHER_SUITES}: comma-separated JSSE suite names, a subset of {@link #AEAD_SUITES}. */
    public static final String CIPHER_SUITES_ENV = "MTLS_CIPHER_SUITES";
    private static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    /** Every suite a policy may name, in order of preference: TLS 1.3's, then TLS 1.2 ECDHE with AEAD. */
    public static final List<String> AEAD_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** TLS 1.3 and TLS 1.2, every suite of {@link #AEAD_SUITES} the JDK has. */
    public static final TlsPolicy DEFAULT = new TlsPolicy(List.of("TLSv1.3", "TLSv1.2"), List.of());

    /**
     * Checks the policy against the allow-lists; the lists are copied.
     *
     * @param protocols    TLSv1.3 and/or TLSv1.2, at least one
     * @param cipherSuites a subset of {@link #AEAD_SUITES}; empty for all of them
     * @throws MtlsRuntimeException naming the protocol or suite that is not allowed
     */
    public TlsPolicy {
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
        if (protocols.isEmpty()) {
            throw new MtlsRuntimeException("the TLS policy names no protocol");
        }
        for (String protocol : protocols) {
            if (!ALLOWED_PROTOCOLS.contains(protocol)) {
                throw new MtlsRuntimeException("TLS protocol '" + protocol + "' is not allowed (TLSv1.3, TLSv1.2)");
            }
        }
        for (String suite : cipherSuites) {
            if (!AEAD_SUITES.contains(suite)) {
                throw new MtlsRuntimeException("cipher suite '" + suite + "' is not allowed: only TLS 1.3 suites and TLS 1.2 "
                        + "ECDHE suites with AES-GCM or ChaCha20-Poly1305 (" + String.join(", ", AEAD_SUITES) + ")");
            }
        }
    }

    /**
     * The policy MTLS_TLS_PROTOCOLS and MTLS_CIPHER_SUITES ask for; {@link #DEFAULT} when neither is set.
     *
     * @param environment the process's environment, or a test's
     * @return the policy
     * @throws MtlsRuntimeException when a variable names a protocol or suite that is not allowed
     */
    public static TlsPolicy fromEnvironment(Map<String, String> environment) {
        List<String> protocols = list(environment.get(PROTOCOLS_ENV));
        List<String> suites = list(environment.get(CIPHER_SUITES_ENV));
        return new TlsPolicy(protocols.isEmpty() ? DEFAULT.protocols() : protocols, suites);
    }

    /**
     * SSLParameters for a client of this context; cipher suites the JDK lacks are an error, not
     * silently dropped.
     *
     * @param context the context the parameters are for (its supported suites are checked)
     * @return its default parameters with this policy's protocols and suites
     * @throws MtlsRuntimeException when an explicitly named suite is not supported by this JDK
     */
    public SSLParameters parametersFor(SSLContext context) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(protocols.toArray(String[]::new));
        Set<String> supported = Set.of(context.getSupportedSSLParameters().getCipherSuites());
        if (cipherSuites.isEmpty()) {
            // the allow-list as far as this JDK has it (ChaCha20 came with JDK 12)
            parameters.setCipherSuites(AEAD_SUITES.stream().filter(supported::contains).toArray(String[]::new));
        } else {
            for (String suite : cipherSuites) {
                if (!supported.contains(suite)) {
                    throw new MtlsRuntimeException("cipher suite '" + suite + "' is not supported by this JDK");
                }
            }
            parameters.setCipherSuites(cipherSuites.toArray(String[]::new));
        }
        return parameters;
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
