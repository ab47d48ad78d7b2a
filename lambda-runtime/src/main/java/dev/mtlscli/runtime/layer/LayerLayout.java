package dev.mtlscli.runtime.layer;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where layer material lives: Lambda merges every layer of a function into /opt, and each
 * service has its own directory, /opt/mtls/&lt;service&gt;/, so several identities never collide.
 * MTLS_LAYER_ROOT moves the root for local runs and tests.
 */
public final class LayerLayout {
    /** {@code MTLS_LAYER_ROOT}: where the layer content is instead of /opt (local runs, tests). */
    public static final String ROOT_ENV = "MTLS_LAYER_ROOT";
    /** Where Lambda merges a function's layers. */
    public static final Path LAMBDA_ROOT = Path.of("/opt");

    private LayerLayout() {
    }

    /**
     * The layer root this environment names.
     *
     * @param environment the process's environment, or a test's
     * @return MTLS_LAYER_ROOT when set, else /opt
     */
    public static Path root(Map<String, String> environment) {
        String configured = environment.get(ROOT_ENV);
        return configured == null || configured.isBlank() ? LAMBDA_ROOT : Path.of(configured);
    }

    /**
     * A service's directory, which holds its stores and manifest.
     *
     * @param root    the layer root
     * @param service the service's name
     * @return &lt;root&gt;/mtls/&lt;service&gt;
     */
    public static Path serviceDirectory(Path root, String service) {
        return root.resolve("mtls").resolve(service);
    }

    /**
     * A service's manifest file.
     *
     * @param root    the layer root
     * @param service the service's name
     * @return &lt;root&gt;/mtls/&lt;service&gt;/manifest.json
     */
    public static Path manifest(Path root, String service) {
        return serviceDirectory(root, service).resolve(LayerManifest.FILE_NAME);
    }
}
