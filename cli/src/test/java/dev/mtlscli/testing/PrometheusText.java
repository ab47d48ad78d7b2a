package dev.mtlscli.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4) as a Pushgateway applies it:
 * every line a HELP, a TYPE or a sample {@code name{labels} value}; each metric's HELP and TYPE
 * once, before its samples; label values with only the escapes \\, \" and \n and no other
 * control character; no series (name and label set) twice.
 */
public final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")\\{(.*)\\} (-?\\d+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");

    public record Sample(String name, Map<String, String> labels, long value) {
    }

    private PrometheusText() {
    }

    /** The samples by metric name, in order; fails the test on the first line that breaks the format. */
    public static Map<String, List<Sample>> check(String text) {
        Map<String, List<Sample>> metrics = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> series = new HashSet<>();
        String typed = null;
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ")) {
                String[] parts = line.split(" ", 4);
                assertTrue(NAME.matcher(parts[2]).matches() && parts.length == 4, "HELP line: " + line);
                assertTrue(helped.add(parts[2]), "HELP of " + parts[2] + " twice");
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                assertEquals(4, parts.length, line);
                assertEquals("gauge", parts[3], line);
                assertFalse(metrics.containsKey(parts[2]), "TYPE of " + parts[2] + " twice");
                assertTrue(helped.contains(parts[2]), "TYPE of " + parts[2] + " before its HELP");
                typed = parts[2];
                metrics.put(typed, new ArrayList<>());
                continue;
            }
            Matcher matcher = SAMPLE.matcher(line);
            assertTrue(matcher.matches(), "not a sample line: " + visible(line));
            assertEquals(typed, matcher.group(1), "a sample apart from its metric's TYPE line: " + line);
            Map<String, String> labels = new LinkedHashMap<>();
            String rest = matcher.group(2);
            Matcher label = LABEL.matcher(rest);
            int at = 0;
            while (at < rest.length()) {
                if (!label.find(at) || label.start() != at) {
                    fail("badly escaped labels at " + at + ": " + visible(line));
                }
                String value = label.group(2);
                for (char c : value.toCharArray()) {
                    assertFalse(Character.isISOControl(c), "a control character in a label value: " + visible(line));
                }
                assertTrue(labels.put(label.group(1), unescape(value)) == null, "label twice: " + line);
                at = label.end();
            }
            assertTrue(series.add(matcher.group(1) + labels), "series twice: " + visible(line));
            metrics.get(typed).add(new Sample(typed, labels, Long.parseLong(matcher.group(3))));
        }
        return metrics;
    }

    private static String unescape(String value) {
        return value.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    private static String visible(String line) {
        StringBuilder shown = new StringBuilder();
        line.chars().forEach(c -> shown.append(Character.isISOControl(c) ? String.format("\\x%02x", c) : String.valueOf((char) c)));
        return shown.toString();
    }
}
