package dev.mtlscli.importing;

import dev.mtlscli.store.StoreType;

import java.nio.file.Path;
import java.util.List;

/**
 * What `certs import` is given: per service a client keystore (and optionally the backend's
 * certificate and the CA's certificate and key), the truststore the clients used so far, and
 * the format to write. Passwords are the inputs' own; the workspace gets generated ones.
 *
 * @param trustStore may be null: the CAs then come from the keystores and --ca-cert files
 */
public record ImportRequest(List<ServiceSource> services, Path trustStore, char[] trustStorePassword, StoreType storeType) {

    public ImportRequest {
        services = List.copyOf(services);
    }

    /**
     * One service's inputs.
     *
     * @param alias             the key entry to import; null when the keystore holds one
     * @param serverCertificate the backend's certificate (PEM or DER, may carry its chain); null
     *                          to find it in the truststore, as the sample's truststore holds it
     * @param caCertificate     the CA that issued the client certificate; null to find it in the
     *                          keystore or the truststore
     * @param caKey             the CA's private key (PEM, clear or encrypted); null to import
     *                          without it, and renew through a CA rollover or ACM Private CA
     * @param caKmsKeyId        the KMS key (id, ARN, alias/NAME) that is the CA's private key,
     *                          instead of {@code caKey}; null when the CA's key is not in KMS
     */
    public record ServiceSource(String name, Path keyStore, char[] keyStorePassword, String alias, Path serverCertificate,
                                Path caCertificate, Path caKey, char[] caKeyPassword, String caKmsKeyId) {
        public ServiceSource(String name, Path keyStore, char[] keyStorePassword, String alias, Path serverCertificate,
                             Path caCertificate, Path caKey, char[] caKeyPassword) {
            this(name, keyStore, keyStorePassword, alias, serverCertificate, caCertificate, caKey, caKeyPassword, null);
        }
    }
}
