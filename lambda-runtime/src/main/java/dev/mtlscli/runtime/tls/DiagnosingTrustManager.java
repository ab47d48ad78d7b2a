package dev.mtlscli.runtime.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * The JDK's trust manager, whose failures also name the certificate the server sent, its
 * issuer and the truststore that lacks it: "PKIX path building failed" alone does not say which
 * CA is missing from where. Checks (including host name verification) stay the JDK's.
 */
final class DiagnosingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final String trustStoreName;

    DiagnosingTrustManager(X509ExtendedTrustManager delegate, String trustStoreName) {
        this.delegate = delegate;
        this.trustStoreName = trustStoreName;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw explained(chain, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw explained(chain, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw explained(chain, e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    private CertificateException explained(X509Certificate[] chain, CertificateException failure) {
        if (chain == null || chain.length == 0) {
            return failure;
        }
        X509Certificate top = chain[chain.length - 1];
        String detail = "server certificate " + chain[0].getSubjectX500Principal().getName()
                + ", chain ends at issuer " + top.getIssuerX500Principal().getName()
                + ", checked against truststore " + trustStoreName;
        return new CertificateException(failure.getMessage() + " (" + detail + ")", failure);
    }
}
