package dev.mtlscli.runtime.layer;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LayerLayoutTest {

    @Test
    void defaultsToOpt() {
        assertEquals(Path.of("/opt"), LayerLayout.root(Map.of()));
        assertEquals(LayerLayout.LAMBDA_ROOT, LayerLayout.root(Map.of("OTHER", "/tmp/x")));
    }

    @Test
    void blankVariableMeansTheDefault() {
        assertEquals(Path.of("/opt"), LayerLayout.root(Map.of(LayerLayout.ROOT_ENV, "")));
        assertEquals(Path.of("/opt"), LayerLayout.root(Map.of(LayerLayout.ROOT_ENV, "  ")));
    }

    @Test
    void honoursMtlsLayerRoot() {
        assertEquals("MTLS_LAYER_ROOT", LayerLayout.ROOT_ENV);
        assertEquals(Path.of("/tmp/layer"), LayerLayout.root(Map.of("MTLS_LAYER_ROOT", "/tmp/layer")));
        assertEquals(Path.of("relative/dir"), LayerLayout.root(Map.of("MTLS_LAYER_ROOT", "relative/dir")));
    }

    @Test
    void oneDirectoryPerService() {
        Path root = Path.of("/opt");
        assertEquals(Path.of("/opt/mtls/service-1"), LayerLayout.serviceDirectory(root, "service-1"));
        assertEquals(Path.of("/opt/mtls/service-2/manifest.json"), LayerLayout.manifest(root, "service-2"));
    }
}
