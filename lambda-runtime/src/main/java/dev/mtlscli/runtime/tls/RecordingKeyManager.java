package dev.mtlscli.runtime.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The JDK's key manager, remembering when it had no certificate to offer a server that asked
 * for one. A server that then fails the handshake sends the same alert (bad_certificate) for
 * "no certificate" as for "certificate not trusted", so only the client can tell them apart.
 */
final class RecordingKeyManager extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager delegate;
    private volatile String declinedIssuers;

    RecordingKeyManager(X509ExtendedKeyManager delegate) {
        this.delegate = delegate;
    }

    /** The CAs a server last asked for when we had no certificate from them, or null. */
    String declinedIssuers() {
        return declinedIssuers;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return recorded(delegate.chooseEngineClientAlias(keyType, issuers, engine), issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return recorded(delegate.chooseClientAlias(keyType, issuers, socket), issuers);
    }

    private String recorded(String alias, Principal[] issuers) {
        declinedIssuers = alias != null ? null
                : issuers == null || issuers.length == 0 ? "any"
                : Arrays.stream(issuers).map(Principal::getName).collect(Collectors.joining("; "));
        return alias;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate.getPrivateKey(alias);
    }
}
