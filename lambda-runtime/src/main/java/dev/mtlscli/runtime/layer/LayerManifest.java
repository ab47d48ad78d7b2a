package dev.mtlscli.runtime.layer;

import java.time.Instant;

/**
 * manifest.json of a service's layer directory (&lt;root&gt;/mtls/&lt;service&gt;/), the contract
 * between the cli that writes layers and the runtime that reads them. Format: docs/layer-manifest.md.
 * It holds no secret: the passwords are named by their pinned SSM parameters.
 *
 * @param manifestVersion     the format version, {@link #VERSION}
 * @param service             the service the directory is for
 * @param host                the backend host name the client certificate is for (the default URL of SnapStart priming)
 * @param keyStore            the client's identity: its private key and certificate chain
 * @param trustStore          the CAs that may issue the backend's certificate
 * @param certificateNotAfter when the client certificate expires
 * @param certificateSha256   the client certificate's SHA-256 fingerprint, as openssl prints it (43:0C:...)
 * @param certificateDer      the client certificate itself, base64 DER, so that a reader of the
 *                            manifest alone (mtls-cli status) can judge its key and signature; null
 *                            in a manifest written before it was recorded
 */
public record LayerManifest(
        int manifestVersion,
        String service,
        String host,
        StoreRef keyStore,
        StoreRef trustStore,
        Instant certificateNotAfter,
        String certificateSha256,
        String certificateDer) {

    /**
     * A manifest without the certificate itself, as written before it was recorded.
     *
     * @param manifestVersion     the format version, {@link #VERSION}
     * @param service             the service the directory is for
     * @param host                the backend host name the client certificate is for
     * @param keyStore            the client's identity
     * @param trustStore          the CAs that may issue the backend's certificate
     * @param certificateNotAfter when the client certificate expires
     * @param certificateSha256   the client certificate's SHA-256 fingerprint
     */
    public LayerManifest(int manifestVersion, String service, String host, StoreRef keyStore, StoreRef trustStore,
                         Instant certificateNotAfter, String certificateSha256) {
        this(manifestVersion, service, host, keyStore, trustStore, certificateNotAfter, certificateSha256, null);
    }

    /** The manifest format version this runtime reads and the cli writes. */
    public static final int VERSION = 1;
    /** The manifest's file name in a service's directory. */
    public static final String FILE_NAME = "manifest.json";
}
