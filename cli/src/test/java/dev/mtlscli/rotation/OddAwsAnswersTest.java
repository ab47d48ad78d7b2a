package dev.mtlscli.rotation;

import com.sun.net.httpserver.HttpServer;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.layer.LayerZip;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Lambda answers is checked, not trusted: a version whose content cannot be read is listed
 * as unreadable while the rest are listed, names and zip content never reach the terminal raw,
 * and a layer or function that does not exist is said to not exist.
 */
class OddAwsAnswersTest {
    @TempDir
    Path temp;

    private FakeAws aws;
    private Fleet fleet;
    private HttpServer server;

    @BeforeEach
    void createFleet() {
        aws = FakeAws.start();
        fleet = Fleet.create(temp, aws);
        // app-1 moves to version 2, the others stay on version 1: both versions are in use
        FakeAwsCli.runOk(aws, "rotate", "--service", "service-1", "--workspace", fleet.ws.root().toString(), "--force",
                "--functions", "app-1");
    }

    @AfterEach
    void stop() {
        aws.close();
        if (server != null) {
            server.stop(0);
        }
    }

    private Cli.Result status() {
        return FakeAwsCli.run(aws, "status", "--layer", Fleet.LAYER);
    }

    private void assertListedWithV1Unreadable(String expectedReason) {
        Cli.Result status = status();
        assertEquals(3, status.exitCode(), status.out() + status.err());
        assertTrue(status.out().contains("unreadable: ") && status.out().contains(expectedReason), status.out());
        assertTrue(status.out().contains("/mtls/service-1/keystore-password:2"), "the readable version is listed: " + status.out());
        assertEquals("", status.err());

        Cli.Result list = FakeAwsCli.run(aws, "layer", "list", "--service", "service-1");
        assertEquals(3, list.exitCode(), list.out() + list.err());
        assertTrue(list.out().contains(expectedReason) && list.out().contains("/mtls/service-1/keystore-password:2"), list.out());

        FakeAwsCli.run(aws, "rotate", "--service", "service-1", "--workspace", fleet.ws.root().toString(), "--dry-run")
                .assertExit(0, "an unreadable old version does not stop the plan");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://example.invalid/layer.zip", "garbage", "http:///no-host", "https://[bad"})
    void aContentLocationThatIsNotAnHttpUrlMakesOnlyThatVersionUnreadable(String location) {
        aws.lambda().overrideContentLocation(fleet.v1, location);
        assertListedWithV1Unreadable("Content.Location");
    }

    private String serve(int status, boolean endless) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(status, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                // endless, as far as the client cares: a little over the 64 MiB it may read
                for (int i = 0; endless && i < 1100; i++) {
                    out.write(chunk);
                }
            } catch (IOException clientHungUp) {
                // expected once the client stops reading
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/layer.zip";
    }

    @Test
    void aDownloadThatFailsMakesOnlyThatVersionUnreadable() throws IOException {
        aws.lambda().overrideContentLocation(fleet.v1, serve(404, false));
        assertListedWithV1Unreadable("HTTP 404");
    }

    @Test
    void anEndlessDownloadIsCutAtTheLimit() throws IOException {
        aws.lambda().overrideContentLocation(fleet.v1, serve(200, true));
        assertListedWithV1Unreadable("larger than 64 MiB");
    }

    @Test
    void escapeSequencesFromInsideALayerNeverReachTheTerminal() {
        byte[] zip = LayerZip.of(Map.of("mtls/evil\u001b[2J\nname/manifest.json",
                "{\"not\": \"a manifest\u001b]0;pwned\u0007\"}".getBytes(StandardCharsets.UTF_8))).bytes();
        aws.lambda().publishLayerVersion(Fleet.LAYER, zip);

        for (Cli.Result result : List.of(status(), FakeAwsCli.run(aws, "layer", "list", "--service", "service-1"))) {
            String all = result.out() + result.err();
            assertFalse(all.chars().anyMatch(c -> c == 0x1b || c == 0x07), "no raw control character: " + all);
            assertTrue(all.contains("\\x1b"), "shown escaped: " + all);
        }
        assertEquals(3, FakeAwsCli.run(aws, "layer", "list", "--service", "service-1").exitCode(), "an unreadable version");
    }

    @Test
    void aLayerThatDoesNotExistIsSaidToNotExist() {
        Cli.Result status = FakeAwsCli.run(aws, "status", "--layer", "mtls-nosuch");
        assertEquals(1, status.exitCode(), status.out() + status.err());
        assertEquals(1, status.errLines().size(), status.err());
        assertTrue(status.err().contains("no layer named mtls-nosuch"), status.err());

        Cli.Result list = FakeAwsCli.run(aws, "layer", "list", "--service", "nosuch");
        assertEquals(1, list.exitCode(), list.out() + list.err());
        assertTrue(list.err().contains("no layer named mtls-nosuch"), list.err());
    }

    @Test
    void aFunctionThatDoesNotExistIsSaidToNotExist() {
        List<String> args = new ArrayList<>(List.of("rotate", "--service", "service-1", "--workspace", fleet.ws.root().toString(),
                "--functions", "nosuch-fn", "--dry-run"));
        Cli.Result result = FakeAwsCli.run(aws, args.toArray(String[]::new));
        assertEquals(1, result.exitCode(), result.err());
        assertTrue(result.err().contains("function nosuch-fn does not exist"), result.err());
    }
}
