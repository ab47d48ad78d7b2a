package dev.mtlscli.demo;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's nginx is configured as the AWS sample ships its backend, not as we would. */
class NginxDemoConfigTest {
    private static final Path PREFIX = Path.of("/tmp/prefix");

    private static String server(DemoBackend.Spec spec) {
        String conf = NginxDemoBackend.config(PREFIX, List.of(spec), Map.of(spec.service(), 8443));
        return conf.substring(conf.indexOf("server {"));
    }

    @Test
    void theDemoBackendIsTheSamplesConfiguration() {
        String server = server(DemoBackend.Spec.asTheSampleShipsIt("service-1", Path.of("chain.pem"), Path.of("key.pem"),
                Path.of("ca.pem"), "{\"hello\": 1}"));

        assertTrue(server.contains("ssl_verify_client on;"), server);
        assertTrue(server.contains("ssl_verify_depth 1;"), server);
        assertFalse(server.contains("ssl_protocols"), "nginx's own default protocols, as in the sample: " + server);
        assertFalse(server.contains("return 200"), "the JSON is a file in the html root: " + server);
        assertTrue(server.contains("root \"/tmp/prefix/html/service-1\";") && server.contains("index hello.json;"), server);
    }

    @Test
    void theTestBackendsNameTheirProtocols() {
        String server = server(new DemoBackend.Spec("service-1", Path.of("chain.pem"), Path.of("key.pem"), Path.of("ca.pem"),
                "{\"hello\": 1}", "TLSv1.2", false));

        assertTrue(server.contains("ssl_protocols TLSv1.2;") && server.contains("ssl_verify_depth 2;"), server);
    }
}
