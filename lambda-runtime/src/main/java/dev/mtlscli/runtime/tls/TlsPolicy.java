package dev.mtlscli.runtime.tls;

import dev.mtlscli.runtime.MtlsRuntimeException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which TLS versions and cipher suites a client may negotiate. TLS 1.3 only unless TLS 1.2 is
 * asked for; an empty cipher list means the JDK's defaults for those versions.
 * From the environment: MTLS_TLS_PROTOCOLS=TLSv1.3,TLSv1.2 and MTLS_CIPHER_SUITES=TLS_AES_256_GCM_SHA384,...
 */
public record TlsPolicy(List<String> protocols, List<String> cipherSuites) {
    public static final String PROTOCOLS_ENV = "MTLS_TLS_PROTOCOLS";
    public static final String CIPHER_SUITES_ENV = "MTLS_CIPHER_SUITES";
    private static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    public static final TlsPolicy DEFAULT = new TlsPolicy(List.of("TLSv1.3"), List.of());

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
    }

    public static TlsPolicy fromEnvironment(Map<String, String> environment) {
        List<String> protocols = list(environment.get(PROTOCOLS_ENV));
        List<String> suites = list(environment.get(CIPHER_SUITES_ENV));
        return new TlsPolicy(protocols.isEmpty() ? DEFAULT.protocols() : protocols, suites);
    }

    /** SSLParameters for a client of this context; cipher suites the JDK lacks are an error, not silently dropped. */
    public SSLParameters parametersFor(SSLContext context) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(protocols.toArray(String[]::new));
        if (!cipherSuites.isEmpty()) {
            Set<String> supported = Set.of(context.getSupportedSSLParameters().getCipherSuites());
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
