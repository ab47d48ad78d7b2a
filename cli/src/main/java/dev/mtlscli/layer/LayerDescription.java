package dev.mtlscli.layer;

import dev.mtlscli.pki.Fingerprints;

/**
 * The description of a published layer version: what a console or `aws lambda
 * list-layer-versions` shows, so it names the certificate and when it expires. Never a secret.
 */
public final class LayerDescription {
    /** Lambda's limit for a layer version description. */
    static final int MAX_LENGTH = 256;

    private LayerDescription() {
    }

    public static String of(LayerMaterial material) {
        String text = "mtls-cli " + material.service() + " client certificate notAfter " + material.notAfter()
                + " sha256 " + Fingerprints.sha256(material.clientCertificate());
        return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH);
    }
}
