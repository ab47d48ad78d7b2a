package dev.mtlscli.layer;

import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * A service's client material from the workspace, checked and ready to be packaged: the store
 * bytes go into the layer, the passwords only to SSM.
 */
public record LayerMaterial(
        String service,
        String host,
        String storeType,
        String storeExtension,
        byte[] keyStore,
        byte[] trustStore,
        char[] keyStorePassword,
        char[] trustStorePassword,
        X509Certificate clientCertificate) {

    public Instant notAfter() {
        return clientCertificate.getNotAfter().toInstant();
    }

    @Override
    public String toString() {
        return "LayerMaterial[" + service + "]";
    }
}
