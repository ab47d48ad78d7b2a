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
 */
public record LayerManifest(
        int manifestVersion,
        String service,
        String host,
        StoreRef keyStore,
        StoreRef trustStore,
        Instant certificateNotAfter,
        String certificateSha256) {

    /** The manifest format version this runtime reads and the cli writes. */
    public static final int VERSION = 1;
    /** The manifest's file name in a service's directory. */
    public static final String FILE_NAME = "manifest.json";
}
