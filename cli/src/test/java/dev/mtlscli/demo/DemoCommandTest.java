package dev.mtlscli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `mtls-cli demo` in-process: the whole demo against real nginx and against the JDK's HTTPS server. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoCommandTest {
    private static final String HELLO_1 = "{\"hello\": \"from backend service 1\"}";
    private static final String HELLO_2 = "{\"hello\": \"from backend service 2\"}";
    private static final List<String> APPROACHES =
            List.of("no-mtls", "lambda-only", "lambda-layer", "parameter-store", "multiple-certificates");

    @Test
    void withNginxEveryApproachAnswersAsExpected() {
        Tool.require("nginx");
        Cli.Result result = Cli.runOk("demo", "--backend", "nginx");

        assertTrue(result.out().contains("Backends: nginx ("), result.out());
        assertTextOutcomes(result.out());
        assertFalse(Files.exists(workspace(result.out())), "the temporary workspace is removed");
    }

    @Test
    void withTheJdkServerEveryApproachAnswersAsExpected() {
        Cli.Result result = Cli.runOk("demo", "--backend", "jdk");

        assertTrue(result.out().contains("Backends: the JDK's HTTPS server"), result.out());
        assertTextOutcomes(result.out());
        assertFalse(Files.exists(workspace(result.out())), "the temporary workspace is removed");
    }

    @Test
    void keepLeavesTheWorkspaceAndJsonOutputParses() throws Exception {
        Cli.Result result = Cli.runOk("demo", "--backend", "jdk", "--keep", "--output", "json");

        Path workspace = workspace(result.err());
        try {
            assertTrue(Files.isDirectory(workspace.resolve("certs")), workspace.toString());
            assertTrue(Files.isRegularFile(workspace.resolve("layer/mtls/service-1/manifest.json")));
            assertTrue(result.err().contains("Kept the workspace " + workspace), result.err());

            JsonNode array = new ObjectMapper().readTree(result.out());
            assertEquals(APPROACHES.size(), array.size(), result.out());
            Map<String, JsonNode> byApproach = new java.util.LinkedHashMap<>();
            array.forEach(node -> byApproach.put(node.get("approach").asText(), node));
            assertEquals(APPROACHES, List.copyOf(byApproach.keySet()));
            assertEquals(500, byApproach.get("no-mtls").get("status").asInt());
            assertTrue(byApproach.get("no-mtls").get("body").asText().contains("PKIX path building failed"));
            for (String approach : List.of("lambda-only", "lambda-layer", "parameter-store")) {
                assertEquals(200, byApproach.get(approach).get("status").asInt(), approach);
                assertEquals(HELLO_1, byApproach.get(approach).get("body").asText(), approach);
            }
            assertEquals(200, byApproach.get("multiple-certificates").get("status").asInt());
            assertEquals("[" + HELLO_1 + "," + HELLO_2 + "]", byApproach.get("multiple-certificates").get("body").asText());
            assertFalse(result.out().contains(passwordOf(workspace)), "no password is printed");
            assertFalse(result.err().contains(passwordOf(workspace)), "no password is printed");
        } finally {
            LocalDemo.deleteTree(workspace);
        }
    }

    @Test
    void anUnknownBackendIsAUsageError() {
        Cli.Result result = Cli.run("demo", "--backend", "apache");

        assertEquals(2, result.exitCode(), result.err());
    }

    private static void assertTextOutcomes(String out) {
        Map<String, String> lines = out.lines()
                .filter(line -> APPROACHES.stream().anyMatch(approach -> line.startsWith(approach + " ")))
                .collect(Collectors.toMap(line -> line.substring(0, line.indexOf(' ')), line -> line.substring(line.indexOf(' ')).strip()));
        assertEquals(APPROACHES.size(), lines.size(), out);
        assertTrue(lines.get("no-mtls").startsWith("500  PKIX path building failed"), out);
        for (String approach : List.of("lambda-only", "lambda-layer", "parameter-store")) {
            assertEquals("200  " + HELLO_1, lines.get(approach), out);
        }
        assertEquals("200  [" + HELLO_1 + "," + HELLO_2 + "]", lines.get("multiple-certificates"), out);
        assertTrue(out.contains("Every approach answered as expected"), out);
    }

    private static Path workspace(String output) {
        String line = output.lines().filter(l -> l.startsWith("Workspace ")).findFirst()
                .orElseThrow(() -> new AssertionError("no workspace line in:\n" + output));
        return Path.of(line.substring("Workspace ".length()).strip());
    }

    /** The keystore password of service 1, read from the kept workspace's passwords.json. */
    private static String passwordOf(Path workspace) throws Exception {
        JsonNode passwords = new ObjectMapper().readTree(workspace.resolve("certs/passwords.json").toFile()).get("passwords");
        return passwords.get("clients/service-1/keystore.p12").asText();
    }
}
