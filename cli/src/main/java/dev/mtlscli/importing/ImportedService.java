package dev.mtlscli.importing;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One service's material as found and checked, ready to be written as a workspace.
 *
 * @param clientChain   the client certificate, then its CAs up to the root
 * @param caChain       the CA that issued the client certificate, then its CAs up to the root
 * @param caKey         the issuing CA's key; null when it was not imported
 * @param serverChain   the backend's certificate, then its CAs up to the root
 * @param serverSource  where the backend's certificate came from, for the report
 * @param caKmsKeyArn   the ARN of the KMS key that is the issuing CA's key; null when the CA's key is not in KMS
 */
public record ImportedService(
        String name,
        String keyStoreAlias,
        PrivateKey clientKey,
        List<X509Certificate> clientChain,
        List<X509Certificate> caChain,
        PrivateKey caKey,
        List<X509Certificate> serverChain,
        String serverSource,
        String host,
        String caKmsKeyArn) {

    public ImportedService(String name, String keyStoreAlias, PrivateKey clientKey, List<X509Certificate> clientChain,
                           List<X509Certificate> caChain, PrivateKey caKey, List<X509Certificate> serverChain, String serverSource,
                           String host) {
        this(name, keyStoreAlias, clientKey, clientChain, caChain, caKey, serverChain, serverSource, host, null);
    }

    public ImportedService {
        clientChain = List.copyOf(clientChain);
        caChain = List.copyOf(caChain);
        serverChain = List.copyOf(serverChain);
    }

    public X509Certificate clientCertificate() {
        return clientChain.get(0);
    }

    public X509Certificate serverCertificate() {
        return serverChain.get(0);
    }

    /** What the service's clients trust: the root its backend's chain ends at. */
    public X509Certificate serverRoot() {
        return serverChain.get(serverChain.size() - 1);
    }

    public boolean hasCaKey() {
        return caKey != null;
    }

    /** Whether the CA can issue again: its key was imported, or it is a KMS key. */
    public boolean canIssue() {
        return caKey != null || caKmsKeyArn != null;
    }
}
