package dev.mtlscli.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documents are checked against the rules of the embedded metric format specification
 * (CloudWatch drops a document that breaks them without a word): one JSON object per line, an
 * {@code _aws} member with an integer millisecond Timestamp and CloudWatchMetrics directives,
 * every dimension and every metric named in a directive present at the root, metric values
 * numbers, dimension values strings.
 */
class EmbeddedMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-12-07T12:00:00.123Z");

    @Test
    void aServiceDocumentCarriesItsFiveMetricsUnderTheServiceDimension() throws Exception {
        String line = new EmbeddedMetrics("mtls-cli").service(
                new EmbeddedMetrics.ServiceRun(new ServiceHealth("service-1", 41, -2), 1, 12, 3), AT);

        assertFalse(line.contains("\n"), "one document per log line");
        JsonNode document = JSON.readTree(line);
        Map<String, Long> metrics = validMetrics(document);
        assertEquals(Map.of("DaysToExpiry", 41L, "PinnedDaysToExpiry", -2L, "Renewals", 1L, "FunctionsMoved", 12L, "Failures", 3L),
                metrics);
        JsonNode directive = document.path("_aws").path("CloudWatchMetrics").get(0);
        assertEquals("mtls-cli", directive.path("Namespace").asText());
        assertEquals("[[\"Service\"]]", directive.path("Dimensions").toString());
        assertEquals("service-1", document.path("Service").asText());
        assertEquals(AT.toEpochMilli(), document.path("_aws").path("Timestamp").asLong());
    }

    @Test
    void theHeartbeatHasNoDimension() throws Exception {
        JsonNode document = JSON.readTree(new EmbeddedMetrics("team-a/mtls").runSucceeded(AT));

        assertEquals(Map.of("RunSucceeded", 1L), validMetrics(document));
        JsonNode directive = document.path("_aws").path("CloudWatchMetrics").get(0);
        assertEquals("team-a/mtls", directive.path("Namespace").asText());
        assertEquals("[[]]", directive.path("Dimensions").toString());
    }

    @Test
    void aServiceNameCannotInjectIntoTheDocument() throws Exception {
        // service names are validated long before, but the log line must stay one valid document
        String line = new EmbeddedMetrics("mtls-cli").service(
                new EmbeddedMetrics.ServiceRun(new ServiceHealth("svc\",\"DaysToExpiry\":9999,\"x", 1, 1), 0, 0, 0), AT);

        JsonNode document = JSON.readTree(line);
        assertEquals(1, document.path("DaysToExpiry").asLong());
        assertEquals("svc\",\"DaysToExpiry\":9999,\"x", document.path("Service").asText());
    }

    @Test
    void whatCloudWatchWouldDropIsRefusedHere() {
        assertThrows(IllegalArgumentException.class, () -> new EmbeddedMetrics(""));
        assertThrows(IllegalArgumentException.class, () -> new EmbeddedMetrics("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> new EmbeddedMetrics("x".repeat(256)));
        EmbeddedMetrics metrics = new EmbeddedMetrics("mtls-cli");
        assertThrows(IllegalArgumentException.class, () -> metrics.service(
                new EmbeddedMetrics.ServiceRun(new ServiceHealth("a\u001bb", 1, 1), 0, 0, 0), AT));
        assertThrows(IllegalArgumentException.class, () -> metrics.service(
                new EmbeddedMetrics.ServiceRun(new ServiceHealth("s".repeat(1025), 1, 1), 0, 0, 0), AT));
    }

    /** The metric values of a document that follows the specification (fails the test otherwise). */
    private static Map<String, Long> validMetrics(JsonNode document) {
        assertTrue(document.isObject());
        JsonNode aws = document.path("_aws");
        assertTrue(aws.path("Timestamp").isIntegralNumber(), "Timestamp must be epoch milliseconds");
        JsonNode directives = aws.path("CloudWatchMetrics");
        assertTrue(directives.isArray() && directives.size() == 1);
        Map<String, Long> values = new TreeMap<>();
        for (JsonNode directive : directives) {
            assertTrue(directive.path("Namespace").isTextual());
            for (JsonNode set : directive.path("Dimensions")) {
                assertTrue(set.size() <= 30, "at most 30 dimensions in a set");
                for (JsonNode dimension : set) {
                    assertTrue(document.path(dimension.asText()).isTextual(), "dimension " + dimension + " must be a string at the root");
                }
            }
            List<String> names = new ArrayList<>();
            for (JsonNode metric : directive.path("Metrics")) {
                String name = metric.path("Name").asText();
                names.add(name);
                assertTrue(List.of("None", "Count").contains(metric.path("Unit").asText()), name + " has a CloudWatch unit");
                assertTrue(document.path(name).isNumber(), name + " must be a number at the root");
                values.put(name, document.path(name).asLong());
            }
            assertTrue(names.size() <= 100, "at most 100 metrics in a directive");
            assertEquals(names.size(), names.stream().distinct().count());
        }
        return values;
    }
}
