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

    /**
     * The service's CA certificate. Under an offline root (`certs create --ca aws-kms
     * --offline-root DIR`) it holds the KMS intermediate, which issues the leaves, then the
     * offline root, whose key is in DIR only.
     */
    public static String caCertificate(String service) {
        return "ca/" + service + "/ca.crt";
    }

    public static String caKey(String service) {
        return "ca/" + service + "/ca.key";
    }

    /**
     * With ACM Private CA: the ARN of the CA that issued the service's certificates, one line of
     * text, so that later commands (rotate) can issue from it again.
     */
    public static String caArn(String service) {
        return "ca/" + service + "/acm-pca-arn";
    }

    /**
     * With a KMS CA: the ARN of the KMS key that is the CA's private key, one line of text; the
     * workspace has no ca.key.
     */
    public static String caKmsKey(String service) {
        return "ca/" + service + "/kms-key-arn";
    }

    /**
     * Written by `certs import` when the CA's key was not imported: the workspace can publish
     * and move functions, but not issue from this CA (see {@link WorkspaceIssuers#local}).
     */
    public static String caImported(String service) {
        return "ca/" + service + "/imported-without-key";
    }

    /** During a CA rollover (see {@link CaRollover}): the next CA, before it issues anything. */
    public static String nextCaCertificate(String service) {
        return "ca/" + service + "/next/ca.crt";
    }

    public static String nextCaKey(String service) {
        return "ca/" + service + "/next/ca.key";
    }

    /** During the rollover of a KMS CA: the ARN of the next CA's KMS key. */
    public static String nextCaKmsKey(String service) {
        return "ca/" + service + "/next/kms-key-arn";
    }

    /**
     * During the rollover of a KMS CA, once the next CA issued: the replaced CA's key, whose
     * deletion is scheduled when the rollover completes.
     */
    public static String previousCaKmsKey(String service) {
        return "ca/" + service + "/previous/kms-key-arn";
    }

    /**
     * During a CA rollover, once the next CA issued the service's certificates: the replaced CA's
     * certificate, still trusted until the rollover completes. Its key is gone.
     */
    public static String previousCaCertificate(String service) {
        return "ca/" + service + "/previous/ca.crt";
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

    /**
     * While a client renewal is under way (see {@link ClientRenewal}): the certificate being
     * replaced, so that a renewal cut off between writing the keystore and passwords.json can
     * be run again. Public, and gone once the renewal is done.
     */
    public static String clientRenewalPrevious(String service) {
        return "clients/" + service + "/.renewal-previous.crt";
    }

    /** What a service's clients trust: its own CA only (and the next one during a CA rollover). */
    public static String clientTrustStore(String service, StoreType type) {
        return "clients/" + service + "/truststore." + type.extension();
    }

    /**
     * One truststore for every service's clients, trusting every service's CA: what workspaces
     * before per-service truststores hold, and what a spec with "sharedTrustStore": true asks for.
     */
    public static String sharedClientTrustStore(StoreType type) {
        return "clients/truststore." + type.extension();
    }

    public static String passwords() {
        return PasswordFile.FILE_NAME;
    }
}
