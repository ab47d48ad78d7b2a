package dev.mtlscli.runtime.tls;

import dev.mtlscli.runtime.MtlsRuntimeException;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/** A client SSLContext and what its key manager saw: whether it last had no certificate to send. */
public final class ClientSslContext {
    private final SSLContext sslContext;
    private final RecordingKeyManager keyManager;
    private final TrustManager[] trustManagers;

    ClientSslContext(SSLContext sslContext, RecordingKeyManager keyManager, TrustManager[] trustManagers) {
        this.sslContext = sslContext;
        this.keyManager = keyManager;
        this.trustManagers = trustManagers;
    }

    /**
     * A new SSLContext with the same key and trust managers and a new SecureRandom: what a copy of
     * a restored SnapStart snapshot needs, so that no random state and no TLS session cache from
     * the snapshot is shared between copies.
     *
     * @return a new context; this one is left as it is
     * @throws MtlsRuntimeException when the JDK cannot make a TLS context (a broken security setup)
     */
    public ClientSslContext renewed() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManager == null ? null : new KeyManager[] {keyManager}, trustManagers, new SecureRandom());
            return new ClientSslContext(context, keyManager, trustManagers);
        } catch (GeneralSecurityException e) {
            throw new MtlsRuntimeException("cannot rebuild the SSLContext: " + e.getMessage(), e);
        }
    }

    /**
     * The JDK's SSLContext, for an HttpClient or socket factory.
     *
     * @return the context with the recording key manager and the diagnosing trust managers
     */
    public SSLContext sslContext() {
        return sslContext;
    }

    /**
     * What the key manager could not answer: a server answers "no certificate" with the same
     * alert as "untrusted certificate", so only this tells them apart.
     *
     * @return null when the last server that asked got a certificate; otherwise the CAs it asked
     *         for ("any" if it named none), or "no keystore" for a client without an identity
     */
    public String declinedIssuers() {
        return keyManager == null ? "no keystore" : keyManager.declinedIssuers();
    }
}
