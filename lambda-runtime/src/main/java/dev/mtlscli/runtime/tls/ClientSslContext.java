package dev.mtlscli.runtime.tls;

import javax.net.ssl.SSLContext;

/** A client SSLContext and what its key manager saw: whether it last had no certificate to send. */
public final class ClientSslContext {
    private final SSLContext sslContext;
    private final RecordingKeyManager keyManager;

    ClientSslContext(SSLContext sslContext, RecordingKeyManager keyManager) {
        this.sslContext = sslContext;
        this.keyManager = keyManager;
    }

    public SSLContext sslContext() {
        return sslContext;
    }

    /**
     * Null when the last server that asked got a certificate; otherwise the CAs it asked for
     * ("any" if it named none), or "no keystore" for a client without an identity.
     */
    public String declinedIssuers() {
        return keyManager == null ? "no keystore" : keyManager.declinedIssuers();
    }
}
