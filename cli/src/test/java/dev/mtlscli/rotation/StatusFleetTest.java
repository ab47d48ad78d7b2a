package dev.mtlscli.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.PrometheusText;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `status --regions`: one view of the layers of several regions (text, JSON, and the Prometheus
 * text format parsed back), against one fake endpoint serving the regions.
 */
class StatusFleetTest {
    private static final String ACCOUNT = FakeAws.ACCOUNT_ID;
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*)\\} (-?\\d+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    static Path shared;

    private static FakeAws aws;
    private static Workspace ws;

    @BeforeAll
    static void publishInTwoRegions() {
        FakeAwsCli.credentials();
        aws = FakeAws.startRegions("us-east-1", "eu-west-1");
        ws = Workspace.create(shared.resolve("ws"), "ec-p256", "pkcs12", null);
        Cli.runOk("layer", "publish", "--workspace", ws.root().toString(), "--endpoint-url", aws.endpoint().toString(),
                "--regions", "us-east-1,eu-west-1");
        for (int i = 0; i < 3; i++) {
            aws.lambda("us-east-1").createFunction("east-" + i, "java17",
                    List.of(aws.lambda("us-east-1").layerVersions("mtls-service-1").get(0).layerVersionArn()), Map.of());
        }
        aws.lambda("eu-west-1").createFunction("west-0", "java17",
                List.of(aws.lambda("eu-west-1").layerVersions("mtls-service-2").get(0).layerVersionArn()), Map.of());
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    private static Cli.Result status(String regions, String... extra) {
        List<String> args = new ArrayList<>(List.of("status", "--endpoint-url", aws.endpoint().toString(), "--regions", regions));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void oneTableForTheRegions() {
        Cli.Result result = status("us-east-1,eu-west-1").assertExit(0, "status of two regions");

        assertTrue(result.out().contains("== us-east-1 (account " + ACCOUNT + ")"), result.out());
        assertTrue(result.out().contains("== eu-west-1 (account " + ACCOUNT + ")"), result.out());
        assertTrue(result.out().matches("(?s).*FLEET.*\\n  us-east-1 +" + ACCOUNT + " +mtls-service-1 +1\\* +36[45] +ok +3\\n.*"), result.out());
        assertTrue(result.out().matches("(?s).*\\n  eu-west-1 +" + ACCOUNT + " +mtls-service-2 +1\\* +36[45] +ok +1\\n.*"), result.out());
        assertTrue(result.out().contains("OK: nothing in use needs attention."), result.out());
    }

    @Test
    void asJsonEveryRegionWithItsAccount() throws Exception {
        JsonNode json = new ObjectMapper().readTree(status("us-east-1,eu-west-1", "--output", "json").assertExit(0, "json").out());

        assertEquals(2, json.path("regions").size());
        assertEquals("us-east-1", json.path("regions").get(0).path("region").asText());
        assertEquals(ACCOUNT, json.path("regions").get(1).path("account").asText());
        assertEquals(0, json.path("failedRegions").size());
    }

    @Test
    void prometheusOutputParsesBackToTheFleet() {
        Map<String, List<Sample>> metrics = parse(status("us-east-1,eu-west-1", "--output", "prometheus").assertExit(0, "metrics").out());

        assertEquals(2, metrics.get("mtls_status_region_up").stream().filter(s -> s.value() == 1).count());
        List<Sample> days = metrics.get("mtls_layer_version_days_to_expiry");
        assertEquals(4, days.size(), "two services in two regions: " + days);
        for (Sample sample : days) {
            assertEquals(ACCOUNT, sample.labels().get("account"));
            assertTrue(sample.value() == 364 || sample.value() == 365, sample.toString());
        }
        assertEquals(3, value(metrics, "mtls_layer_version_functions", Map.of("region", "us-east-1", "layer", "mtls-service-1", "version", "1")));
        assertEquals(1, value(metrics, "mtls_layer_version_functions", Map.of("region", "eu-west-1", "layer", "mtls-service-2", "version", "1")));
        assertEquals(0, value(metrics, "mtls_layer_functions_behind", Map.of("region", "us-east-1", "layer", "mtls-service-1")));
        assertTrue(metrics.get("mtls_layer_version_needs_attention").stream().allMatch(s -> s.value() == 0));
    }

    @Test
    void insideTheWindowTheMetricsAndTheExitCodeSaySo() {
        Cli.Result result = status("us-east-1,eu-west-1", "--output", "prometheus", "--renew-before", "400");

        assertEquals(3, result.exitCode(), result.err());
        Map<String, List<Sample>> metrics = parse(result.out());
        assertEquals(1, value(metrics, "mtls_layer_version_needs_attention", Map.of("region", "us-east-1", "layer", "mtls-service-1", "version", "1")));
    }

    @Test
    void aRegionThatCannotBeReadIsDownInTheMetricsAndFailsTheRun() {
        Cli.Result result = status("us-east-1,sa-east-1", "--output", "prometheus");

        assertEquals(1, result.exitCode());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("could not read sa-east-1"), result.err());
        Map<String, List<Sample>> metrics = parse(result.out());
        assertEquals(0, value(metrics, "mtls_status_region_up", Map.of("region", "sa-east-1")));
        assertEquals(1, value(metrics, "mtls_status_region_up", Map.of("region", "us-east-1")));
    }

    @Test
    void aRegionWhereNothingIsPublishedYetIsShownEmpty() {
        try (FakeAws partly = FakeAws.startRegions("us-east-1", "ap-southeast-2")) {
            Cli.runOk("layer", "publish", "--workspace", ws.root().toString(), "--endpoint-url", partly.endpoint().toString(),
                    "--regions", "us-east-1");

            Cli.Result result = Cli.run("status", "--endpoint-url", partly.endpoint().toString(), "--regions", "us-east-1,ap-southeast-2")
                    .assertExit(0, "status with an empty region");

            assertTrue(result.out().matches("(?s).*== ap-southeast-2\\n[^=]*no layers found.*"), result.out());
            assertTrue(result.out().matches("(?s).*\\n  us-east-1 +" + ACCOUNT + " +mtls-service-1 +1\\*.*"), result.out());
            Map<String, List<Sample>> metrics = parse(Cli.run("status", "--endpoint-url", partly.endpoint().toString(),
                    "--regions", "us-east-1,ap-southeast-2", "--output", "prometheus").out());
            assertEquals(1, value(metrics, "mtls_status_region_up", Map.of("region", "ap-southeast-2")));
            assertTrue(metrics.get("mtls_layer_newest_version").stream().noneMatch(sample -> "ap-southeast-2".equals(sample.labels().get("region"))));
        }
    }

    @Test
    void prometheusIsForStatusOnly() {
        Cli.Result result = Cli.run("layer", "list", "--output", "prometheus", "--region", "us-east-1");

        assertEquals(2, result.exitCode(), result.err());
        assertTrue(result.err().contains("--output prometheus is for 'mtls-cli status' only"), result.err());
    }

    private record Sample(String name, Map<String, String> labels, long value) {
    }

    /** The text exposition format, strictly: HELP and TYPE before the samples of each metric, every line well formed. */
    private static Map<String, List<Sample>> parse(String text) {
        PrometheusText.check(text);
        Map<String, List<Sample>> metrics = new LinkedHashMap<>();
        String typed = null;
        for (String line : text.lines().toList()) {
            if (line.startsWith("# HELP ")) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                assertEquals("gauge", parts[3], line);
                typed = parts[2];
                metrics.put(typed, new ArrayList<>());
                continue;
            }
            Matcher matcher = SAMPLE.matcher(line);
            assertTrue(matcher.matches(), "not a sample line: " + line);
            assertEquals(typed, matcher.group(1), "a sample of a metric without its TYPE line: " + line);
            Map<String, String> labels = new LinkedHashMap<>();
            Matcher label = LABEL.matcher(matcher.group(2));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            metrics.get(typed).add(new Sample(typed, labels, Long.parseLong(matcher.group(3))));
        }
        return metrics;
    }

    private static long value(Map<String, List<Sample>> metrics, String name, Map<String, String> labels) {
        List<Sample> matching = metrics.getOrDefault(name, List.of()).stream()
                .filter(sample -> sample.labels().entrySet().containsAll(labels.entrySet())).toList();
        assertEquals(1, matching.size(), name + " " + labels + " in " + metrics.get(name));
        return matching.get(0).value();
    }
}
