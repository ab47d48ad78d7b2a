package dev.mtlscli.runtime.tls;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.util.Locale;

/**
 * Turns the JDK's handshake failures into a sentence that says which side is wrong.
 * The JDK's messages are kept at the end, so nothing is hidden.
 */
public final class HandshakeDiagnostics {
    private HandshakeDiagnostics() {
    }

    /**
     * The explanation of a failed handshake, without what the key manager saw.
     *
     * @param failure    the exception of the failed call, with its causes
     * @param service    the service called, for the message
     * @param host       the backend's host, for the message and the host name check
     * @param trustStore the truststore in use, named when the server is not trusted
     * @return one line: the call, the cause in words, then the JDK's messages in brackets
     */
    public static String explain(Throwable failure, String service, String host, String trustStore) {
        return explain(failure, service, host, trustStore, null);
    }

    /**
     * The explanation of a failed handshake.
     *
     * @param failure         the exception of the failed call, with its causes
     * @param service         the service called, for the message
     * @param host            the backend's host, for the message and the host name check
     * @param trustStore      the truststore in use, named when the server is not trusted
     * @param declinedIssuers null if we sent a client certificate, else the CAs the server asked
     *                        for (see {@link ClientSslContext#declinedIssuers()}): a server answers
     *                        "no certificate" with the same alert as "untrusted certificate"
     * @return one line: the call, the cause in words, then the JDK's messages in brackets
     */
    public static String explain(Throwable failure, String service, String host, String trustStore, String declinedIssuers) {
        String all = messages(failure);
        String lower = all.toLowerCase(Locale.ROOT);
        String cause;
        if (has(failure, CertificateExpiredException.class) || lower.contains("validity check failed") || lower.contains("certificate expired")
                || lower.contains("certificate_expired")) {
            cause = lower.contains("certificate_expired") || lower.contains("received fatal alert: certificate_expired")
                    ? "the server rejected our client certificate because it has expired"
                    : "a certificate in the server's chain has expired (or is not yet valid)";
        } else if (lower.contains("pkix path building failed") || lower.contains("unable to find valid certification path")) {
            cause = "the server's certificate is not trusted by truststore " + trustStore
                    + ": it does not hold the CA that issued it (see the issuer below)";
        } else if (lower.contains("signature check failed")) {
            cause = "the server's certificate is not trusted by truststore " + trustStore
                    + ": it holds a CA of the issuer's name, but with another key (a re-created CA?)";
        } else if (lower.contains("no subject alternative") || lower.contains("no name matching")
                || has(failure, SSLPeerUnverifiedException.class)) {
            cause = "the server's certificate does not name host " + host;
        } else if (lower.contains("bad_certificate") || lower.contains("unknown_ca") || lower.contains("certificate_unknown")
                || lower.contains("certificate_required") || lower.contains("access_denied")) {
            cause = lower.contains("certificate_required") || declinedIssuers != null
                    ? "the server asked for a client certificate and we sent none"
                            + (declinedIssuers == null ? "" : " (the keystore has none from the CAs it accepts: " + declinedIssuers + ")")
                    : "the server rejected our client certificate";
        } else if (lower.contains("protocol_version") || lower.contains("no appropriate protocol")) {
            cause = "the server and the TLS policy share no protocol version";
        } else if (lower.contains("handshake_failure") || lower.contains("no negotiable cipher")) {
            cause = "the server and the TLS policy share no cipher suite, or the server requires a client certificate we did not send";
        } else {
            cause = "the TLS handshake failed";
        }
        return "mTLS call to " + service + " (" + host + ") failed: " + cause + " [" + all + "]";
    }

    /**
     * Whether a failed call failed in the TLS handshake, which {@link #explain} can then explain;
     * other I/O failures (refused, timed out) are better left as they are.
     *
     * @param failure the exception of the failed call, with its causes
     * @return true when any cause is a handshake, peer verification or certificate path failure,
     *         or a TLS alert
     */
    public static boolean isHandshakeFailure(Throwable failure) {
        return has(failure, SSLHandshakeException.class) || has(failure, SSLPeerUnverifiedException.class)
                || has(failure, CertPathValidatorException.class) || messages(failure).contains("alert");
    }

    private static boolean has(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && all.indexOf(t.getMessage()) < 0) {
                if (all.length() > 0) {
                    all.append(": ");
                }
                all.append(t.getMessage());
            }
        }
        return all.toString();
    }
}
