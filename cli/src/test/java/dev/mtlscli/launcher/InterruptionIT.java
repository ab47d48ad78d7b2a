package dev.mtlscli.launcher;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.workspace.WorkspaceLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The adversarial run of issue 10: `./mtls-cli certs create` and `./mtls-cli rotate` are
 * stopped with SIGINT, SIGTERM and SIGKILL at several points, each reached by watching what the
 * run has written (not by timing). Afterwards: no staging directory with keys survives INT or
 * TERM, the workspace is whole (the old one or the new one, every store opening with
 * passwords.json), the next run cleans what SIGKILL left and finishes, and every published
 * layer version's pinned password opens its keystore.
 */
class InterruptionIT {
    private static final Pattern PASSWORD = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"([^\"]+)\"");

    @TempDir
    Path temp;

    private enum Signal {
        INT, TERM, KILL
    }

    private ProcessBuilder mtlsCli(String... args) {
        return MtlsCliProcess.builder(temp.resolve("run-" + System.nanoTime() + ".log"), List.of(args));
    }

    private static List<String> aws(FakeAws aws, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--region", aws.region(), "--endpoint-url", aws.endpoint().toString()));
        return all;
    }

    private int runToEnd(ProcessBuilder builder) throws IOException, InterruptedException {
        return MtlsCliProcess.runToEnd(builder, Duration.ofSeconds(180));
    }

    private static void send(Process process, Signal signal) throws IOException, InterruptedException {
        if (signal == Signal.KILL) {
            process.destroyForcibly();
        } else {
            // ./mtls-cli execs java, so the pid is the JVM's
            // bash's own kill: /bin/kill (procps) is not on every fresh machine
            Process kill = new ProcessBuilder("bash", "-c", "kill -" + signal.name() + " " + process.pid()).start();
            assertEquals(0, kill.waitFor());
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the run did not end after SIG" + signal);
    }

    /** Polls (an observation, not a timing assertion) until the condition holds or the run ends. */
    private static boolean awaitWhileAlive(Process process, Predicate<Void> condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)) {
            if (condition.test(null)) {
                return true;
            }
            if (!process.isAlive()) {
                return false;
            }
            Thread.sleep(2);
        }
        fail("the point to stop at was never reached");
        return false;
    }

    private static List<Path> leftovers(Path parent, String name) {
        try (Stream<Path> entries = Files.list(parent)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("." + name + ".")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static boolean exists(Path root, String glob) {
        try (Stream<Path> paths = Files.walk(root)) {
            var matcher = root.getFileSystem().getPathMatcher("glob:" + glob);
            return paths.anyMatch(p -> matcher.matches(root.relativize(p)));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // moved or deleted while walked
        }
    }

    /** Every store of the workspace opens with its password from passwords.json. */
    private static void assertWhole(Path ws) throws Exception {
        Map<String, String> passwords = new TreeMap<>();
        Matcher matcher = PASSWORD.matcher(Files.readString(ws.resolve("passwords.json")));
        while (matcher.find()) {
            passwords.put(matcher.group(1), matcher.group(2));
        }
        for (String store : List.of("clients/service-1/keystore.p12", "clients/service-2/keystore.p12",
                "clients/service-1/truststore.p12", "clients/service-2/truststore.p12")) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(Files.newInputStream(ws.resolve(store)), passwords.get(store).toCharArray());
        }
        assertTrue(Files.isRegularFile(ws.resolve("ca/service-1/ca.key")) && Files.isRegularFile(ws.resolve("servers/service-2/server.key")));
    }

    private static String fingerprint(Path ws) throws IOException {
        return HexFormat.of().formatHex(Files.readAllBytes(ws.resolve("ca/service-1/ca.crt"))).hashCode() + "";
    }

    @Test
    void certsCreateStoppedAtEveryPointLeavesTheOldWorkspaceOrTheNewOneAndNoKeysBeside() throws Exception {
        Path ws = temp.resolve("ws");
        assertEquals(0, runToEnd(mtlsCli("certs", "create", "--out", ws.toString())));
        Map<String, Predicate<Void>> points = Map.of(
                "staging created", v -> !leftovers(temp, "ws").isEmpty(),
                "a server key written", v -> leftovers(temp, "ws").stream().anyMatch(s -> exists(s, "servers/*/server.key")));
        int stoppedMidway = 0;
        for (Signal signal : Signal.values()) {
            for (var point : points.entrySet()) {
                String before = fingerprint(ws);
                // RSA keys make the run long enough to be stopped in the middle
                Process run = mtlsCli("certs", "create", "--out", ws.toString(), "--force", "--key-algorithm", "rsa-3072").start();
                boolean reached = awaitWhileAlive(run, point.getValue());
                String where = "SIG" + signal + " at '" + point.getKey() + "'";
                if (reached) {
                    send(run, signal);
                    stoppedMidway++;
                } else {
                    assertEquals(0, run.waitFor(), where + ": the run ended by itself, successfully");
                }
                if (signal != Signal.KILL) {
                    assertEquals(List.of(), leftovers(temp, "ws"), where + ": nothing may be left beside the workspace");
                }
                assertWhole(ws);
                boolean replaced = !before.equals(fingerprint(ws));
                assertTrue(!reached || signal != Signal.KILL || run.exitValue() != 0 || replaced, where);
            }
        }
        assertTrue(stoppedMidway >= 4, "most runs were stopped in the middle: " + stoppedMidway);

        // the next run removes what SIGKILL left, and succeeds
        assertEquals(0, runToEnd(mtlsCli("certs", "create", "--out", ws.toString(), "--force")));
        assertEquals(List.of(), leftovers(temp, "ws"));
        assertWhole(ws);
    }

    @Test
    void aRunHoldingTheWorkspaceKeepsASecondProcessOut() throws Exception {
        Path ws = temp.resolve("ws");
        assertEquals(0, runToEnd(mtlsCli("certs", "create", "--out", ws.toString())));
        String before = fingerprint(ws);
        Path log = temp.resolve("second.log");
        try (WorkspaceLock held = WorkspaceLock.acquire(ws, "rotate")) {
            Process second = mtlsCli("certs", "create", "--out", ws.toString(), "--force").redirectOutput(log.toFile()).start();
            assertTrue(second.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, second.exitValue());
        }
        String message = Files.readString(log);
        assertTrue(message.contains("is in use by pid " + ProcessHandle.current().pid() + " (mtls-cli rotate"), message);
        assertEquals(before, fingerprint(ws));
    }

    @Test
    void rotateStoppedAtEveryStepIsFinishedByTheNextRunAndEveryPublishedPasswordOpensItsKeystore() throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            Path ws = temp.resolve("ws");
            assertEquals(0, runToEnd(mtlsCli("certs", "create", "--out", ws.toString())));
            assertEquals(0, runToEnd(mtlsCli(aws(aws, "layer", "publish", "--workspace", ws.toString(), "--service", "service-1")
                    .toArray(String[]::new))));
            String v1 = aws.lambda().layerVersions("mtls-service-1").get(0).layerVersionArn();
            for (int i = 0; i < 8; i++) {
                aws.lambda().createFunction(String.format("fn-%02d", i), "java21", List.of(v1), Map.of());
            }
            aws.latency(Duration.ofMillis(40));
            Path journal = ws.resolve("rotations/service-1.jsonl");
            List<String> steps = List.of("\"planned\"", "\"material-ready\"", "\"published\"", "\"function-moved\"");
            int stoppedMidway = 0;
            for (Signal signal : Signal.values()) {
                for (String step : steps) {
                    long seen = count(journal, step);
                    Process run = mtlsCli(aws(aws, "rotate", "--service", "service-1", "--workspace", ws.toString(), "--force",
                            "--concurrency", "1").toArray(String[]::new)).start();
                    if (awaitWhileAlive(run, v -> count(journal, step) > seen)) {
                        send(run, signal);
                        stoppedMidway += run.exitValue() != 0 ? 1 : 0;
                    }
                    assertTrue(run.waitFor(60, TimeUnit.SECONDS));
                    // the run that follows finishes what was cut off (and a finished one is a no-op)
                    aws.latency(Duration.ZERO);
                    assertEquals(0, runToEnd(mtlsCli(aws(aws, "rotate", "--service", "service-1", "--workspace", ws.toString())
                            .toArray(String[]::new))), "SIG" + signal + " after " + step);
                    aws.latency(Duration.ofMillis(40));
                    assertWhole(ws);
                    assertTrue(leftovers(ws.resolve("clients/service-1"), "keystore.p12").isEmpty() || signal == Signal.KILL,
                            "no temporary keystore left after SIG" + signal);
                    String newest = aws.lambda().layerVersions("mtls-service-1").get(aws.lambda().layerVersions("mtls-service-1").size() - 1)
                            .layerVersionArn();
                    aws.lambda().functions().forEach(f -> assertEquals(List.of(newest), f.layerArns(),
                            "SIG" + signal + " after " + step + ": " + f.functionName()));
                }
            }
            assertTrue(stoppedMidway >= 8, "most rotations were cut off in the middle: " + stoppedMidway);
            assertEveryPublishedPasswordOpensItsKeystore(aws);
        }
    }

    private static long count(Path journal, String needle) {
        try {
            return Files.exists(journal) ? Files.readAllLines(journal, StandardCharsets.UTF_8).stream().filter(l -> l.contains(needle)).count() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void assertEveryPublishedPasswordOpensItsKeystore(FakeAws aws) throws Exception {
        var versions = aws.lambda().layerVersions("mtls-service-1");
        assertTrue(versions.size() > 2, "several rotations published");
        try (SsmClient ssm = FakeAwsCli.ssm(aws)) {
            for (var version : versions) {
                byte[] zip = FakeAwsCli.layerContent(aws, "mtls-service-1", version.version());
                LayerManifest manifest = LayerZips.manifest(zip, "service-1");
                Map<String, byte[]> files = LayerZips.unzip(zip);
                for (var store : List.of(manifest.keyStore(), manifest.trustStore())) {
                    String password = ssm.getParameters(b -> b.names(store.password().selector()).withDecryption(true))
                            .parameters().get(0).value();
                    KeyStore keyStore = KeyStore.getInstance(store.type());
                    byte[] bytes = files.entrySet().stream().filter(e -> e.getKey().endsWith("/" + store.file()) || e.getKey().equals(store.file()))
                            .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError(store.file() + " in " + files.keySet()));
                    keyStore.load(new ByteArrayInputStream(bytes), password.toCharArray());
                }
            }
        }
        assertNotEquals(0, versions.size());
    }
}
