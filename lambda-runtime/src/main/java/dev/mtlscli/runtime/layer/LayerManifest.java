package dev.mtlscli.runtime.layer;

import java.time.Instant;

/**
 * manifest.json of a service's layer directory (&lt;root&gt;/mtls/&lt;service&gt;/), the contract
 * between the cli that writes layers and the runtime that reads them. Format: docs/layer-manifest.md.
 */
public record LayerManifest(
        int manifestVersion,
        String service,
        String host,
        StoreRef keyStore,
        StoreRef trustStore,
        Instant certificateNotAfter,
        String certificateSha256) {

    public static final int VERSION = 1;
    public static final String FILE_NAME = "manifest.json";
}
