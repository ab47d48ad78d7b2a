import dev.mtlscli.cmd.MtlsCli;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.RecordedRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Benchmark of `certs create --ca aws-kms` against the local CA (docs/benchmarks.md, "A CA in AWS
 * KMS"; bench/kms-ca.sh runs it). For each count of services, the same spec is created both ways
 * in the same JVM, RUNS times each, interleaved (the side that goes first alternates): the local
 * CA (`certs create --spec SPEC`, no AWS call) and a CA key per service in the loopback fake KMS
 * (`certs create --ca aws-kms --spec SPEC --region R --endpoint-url URL`), every KMS call delayed
 * by LATENCY ms (the fake does not delay STS). Not a test: it prints one RESULT line per run, and
 * exits 1 when a run fails.
 *
 * <pre>
 * java -cp cli/target/mtls-cli.jar:fake-aws/target/mtls-fake-aws-VERSION.jar bench/kms-ca/KmsCaBench.java \
 *     RUNS LATENCY_MS COUNT [COUNT ...]
 * </pre>
 * Each KMS run gets a fresh fake (against the same one, a second run would find each service's
 * key by its alias `alias/mtls/<service>-ca` and make none), started and stopped outside the
 * timed region; each run of either side writes a fresh workspace. One warm-up run of each side
 * with 2 services comes first and is not counted, so that class loading and the JIT of the first
 * run do not fall on one side. The calls are the fake's record of what the run sent it, by service and operation.
 */
public class KmsCaBench {
    /** A root CA, a server certificate and a client certificate per service. */
    static final int CERTIFICATES_PER_SERVICE = 3;

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        int latencyMs = Integer.parseInt(args[1]);
        List<Integer> counts = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            counts.add(Integer.parseInt(args[i]));
        }
        // see bench/rotate/RotateBench.java: without it each answer waits for a delayed ACK
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        System.setProperty("aws.accessKeyId", FakeAws.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", FakeAws.SECRET_ACCESS_KEY);
        Path temp = Files.createTempDirectory("mtls-kms-ca-bench");
        int exit = 0;
        try {
            Path warmSpec = spec(temp, 2);
            log("warm-up: 2 services, local CA and KMS CA (not counted)");
            run("local", warmSpec, temp.resolve("warm-local"), 2, latencyMs);
            run("kms", warmSpec, temp.resolve("warm-kms"), 2, latencyMs);
            for (int count : counts) {
                Path spec = spec(temp, count);
                for (int i = 1; i <= runs; i++) {
                    List<String> order = i % 2 == 1 ? List.of("local", "kms") : List.of("kms", "local");
                    for (String side : order) {
                        Result result = run(side, spec, temp.resolve(side + "-" + count + "-" + i), count, latencyMs);
                        log(String.format(Locale.ROOT, "%d services, run %d/%d, %-5s %8.0f ms, exit %d", count, i, runs, side,
                                result.wallMs, result.exit));
                        System.out.println(result.line(i));
                        exit |= result.exit == 0 ? 0 : 1;
                    }
                }
            }
        } finally {
            deleteTree(temp);
        }
        System.exit(exit);
    }

    /**
     * @param cpuMs the CPU time of the whole JVM during the run: the CLI's, and on the KMS side
     *              also the fake's (its signatures, JSON and SigV4 checks), which a real KMS would
     *              spend elsewhere. Less disturbed than the wall time by other load on the machine.
     */
    record Result(String side, int services, int latencyMs, int exit, double wallMs, double cpuMs, Map<String, Integer> calls) {
        int total(String service) {
            return calls.entrySet().stream().filter(e -> e.getKey().startsWith(service + ":")).mapToInt(Map.Entry::getValue).sum();
        }

        String line(int run) {
            int kms = total("kms");
            int all = calls.values().stream().mapToInt(Integer::intValue).sum();
            // the fake delays the JSON services (KMS among them), not STS
            int delayed = all - total("sts");
            int certificates = services * CERTIFICATES_PER_SERVICE;
            String byOperation = calls.isEmpty() ? "-"
                    : calls.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            return String.format(Locale.ROOT,
                    "RESULT side=%s services=%d run=%d latency_ms=%d exit=%d wall_ms=%.0f cpu_ms=%.0f calls=%d kms_calls=%d sign=%d "
                            + "kms_per_service=%.2f kms_per_certificate=%.2f sign_per_certificate=%.2f serial_latency_ms=%d by_operation=%s",
                    side, services, run, latencyMs, exit, wallMs, cpuMs, all, kms, calls.getOrDefault("kms:Sign", 0),
                    (double) kms / services, (double) kms / certificates, (double) calls.getOrDefault("kms:Sign", 0) / certificates,
                    (long) delayed * latencyMs, byOperation);
        }
    }

    /** One `certs create`, timed from its start to its return; a KMS run against a fresh fake. */
    static Result run(String side, Path spec, Path out, int services, int latencyMs) {
        if (side.equals("local")) {
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            int exit = quiet(() -> MtlsCli.run("certs", "create", "--spec", spec.toString(), "--out", out.toString()));
            double wallMs = (System.nanoTime() - t0) / 1e6;
            return new Result(side, services, latencyMs, exit, wallMs, (processCpuNanos() - cpu0) / 1e6, Map.of());
        }
        try (FakeAws aws = FakeAws.start()) {
            aws.latency(Duration.ofMillis(latencyMs));
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            int exit = quiet(() -> MtlsCli.run("certs", "create", "--ca", "aws-kms", "--spec", spec.toString(),
                    "--out", out.toString(), "--region", aws.region(), "--endpoint-url", aws.endpoint().toString()));
            double wallMs = (System.nanoTime() - t0) / 1e6;
            double cpuMs = (processCpuNanos() - cpu0) / 1e6;
            Map<String, Integer> calls = new TreeMap<>();
            for (RecordedRequest r : aws.requests()) {
                calls.merge(r.service() + ":" + r.operation() + (r.succeeded() ? "" : "(" + r.errorType() + ")"), 1, Integer::sum);
            }
            return new Result(side, services, latencyMs, exit, wallMs, cpuMs, calls);
        }
    }

    static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getProcessCpuTime();
    }

    /** A spec of COUNT services, service-001 on backend-service-001.example and so on. */
    static Path spec(Path dir, int count) throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"version\": 1,\n  \"services\": [\n");
        for (int i = 1; i <= count; i++) {
            String name = String.format(Locale.ROOT, "service-%03d", i);
            json.append(String.format(Locale.ROOT, "    {\"name\": \"%s\", \"host\": \"backend-%s.example\"}%s%n", name, name,
                    i < count ? "," : ""));
        }
        json.append("  ]\n}\n");
        Path file = dir.resolve("spec-" + count + ".json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    /** Runs a command with its standard output captured, shown only when it fails. */
    static int quiet(java.util.function.IntSupplier command) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = command.getAsInt();
        } finally {
            System.setOut(stdout);
        }
        if (exit != 0) {
            System.err.println(captured.toString(StandardCharsets.UTF_8));
        }
        return exit;
    }

    static void log(String line) {
        System.err.println("[kms-ca-bench] " + line);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
