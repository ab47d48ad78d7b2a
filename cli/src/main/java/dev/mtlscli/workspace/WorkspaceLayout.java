package dev.mtlscli.workspace;

import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.StoreType;

/**
 * Where each file of a workspace lives, relative to its root. CA material sits under ca/
 * and nowhere else, so the client and server directories can be handed out whole.
 */
public final class WorkspaceLayout {
    private WorkspaceLayout() {
    }

    public static String caCertificate(String service) {
        return "ca/" + service + "/ca.crt";
    }

    public static String caKey(String service) {
        return "ca/" + service + "/ca.key";
    }

    public static String serverCertificate(String service) {
        return "servers/" + service + "/server.crt";
    }

    /** Leaf then CA: what nginx's ssl_certificate wants. */
    public static String serverChain(String service) {
        return "servers/" + service + "/server-chain.crt";
    }

    public static String serverKey(String service) {
        return "servers/" + service + "/server.key";
    }

    /** The CA that signs the service's clients: what nginx's ssl_client_certificate wants. */
    public static String serverClientCa(String service) {
        return "servers/" + service + "/client-ca.crt";
    }

    public static String clientKeyStore(String service, StoreType type) {
        return "clients/" + service + "/keystore." + type.extension();
    }

    public static String clientTrustStore(StoreType type) {
        return "clients/truststore." + type.extension();
    }

    public static String passwords() {
        return PasswordFile.FILE_NAME;
    }
}
