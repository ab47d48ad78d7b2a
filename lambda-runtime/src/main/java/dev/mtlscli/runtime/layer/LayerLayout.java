package dev.mtlscli.runtime.layer;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where layer material lives: Lambda merges every layer of a function into /opt, and each
 * service has its own directory, /opt/mtls/&lt;service&gt;/, so several identities never collide.
 * MTLS_LAYER_ROOT moves the root for local runs and tests.
 */
public final class LayerLayout {
    public static final String ROOT_ENV = "MTLS_LAYER_ROOT";
    public static final Path LAMBDA_ROOT = Path.of("/opt");

    private LayerLayout() {
    }

    public static Path root(Map<String, String> environment) {
        String configured = environment.get(ROOT_ENV);
        return configured == null || configured.isBlank() ? LAMBDA_ROOT : Path.of(configured);
    }

    public static Path serviceDirectory(Path root, String service) {
        return root.resolve("mtls").resolve(service);
    }

    public static Path manifest(Path root, String service) {
        return serviceDirectory(root, service).resolve(LayerManifest.FILE_NAME);
    }
}
