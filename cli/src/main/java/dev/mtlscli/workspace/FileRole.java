package dev.mtlscli.workspace;

import java.util.Locale;

/** What a written file is for; the names appear in `certs create --output json`. */
public enum FileRole {
    CA_CERTIFICATE,
    CA_KEY,
    /** With ACM Private CA: the CA's ARN, one line (ca/<service>/acm-pca-arn). */
    CA_ARN,
    /** With a KMS CA: the ARN of the CA's KMS key, one line (ca/<service>/kms-key-arn). */
    CA_KMS_KEY,
    /** From `certs import` without the CA's key: what was imported, so that rotate can say why it cannot renew. */
    CA_IMPORTED,
    SERVER_CERTIFICATE,
    SERVER_KEY,
    SERVER_CHAIN,
    SERVER_CLIENT_CA,
    CLIENT_KEYSTORE,
    CLIENT_TRUSTSTORE,
    PASSWORDS;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
