import dev.mtlscli.aws.LambdaRates;
import dev.mtlscli.cmd.MtlsCli;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.rotation.RunOptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Benchmark of `mtls-cli rotate` on a fleet of consumer functions in the loopback fake AWS, with
 * Lambda's control-plane quotas enforced, a latency added to every call and a share of the calls
 * throttled (docs/benchmarks.md, "Rotation of 500 functions"; bench/rotate.sh runs it). Not a
 * test: it prints figures, and exits 1 only when the rotation failed, a function is left
 * inconsistent (not on the new version, its other layers or their order changed, or its last
 * update not Successful; a function without the service's layer changed at all), or, with the
 * client-side limiter on, Lambda's quota answered any call 429.
 *
 * <pre>
 * java [-XX:+UseSerialGC -XX:TieredStopAtLevel=1] -cp cli/target/mtls-cli.jar bench/rotate/RotateBench.java \
 *     [functions] [concurrency] [latencyMs] [throttleEvery] [completeAfterReads] [lambdaRate] [getFunctionRate]
 * </pre>
 * Defaults: 500 functions, the command's default concurrency (not passed), 20 ms, every 20th call
 * of each operation throttled (5%), updates seen Successful on the 2nd read (the fake's default),
 * the command's default rates ({@link LambdaRates#DEFAULT}), always passed as --lambda-rate and
 * --lambda-get-function-rate so that MTLS_LAMBDA_RATE in the environment cannot make the CLI
 * and the ideal disagree. A concurrency of 0 also means "the command's default"; a rate of 0 turns
 * that limit off (then the quota answers 429s and the SDK retries them). {@code -Dbench.profile=MS}
 * samples the rotation's threads every MS milliseconds and prints where their time went.
 *
 * <p>Set-up (workspace, first publish, the fleet) runs without latency, throttling or quotas;
 * only the `rotate` call is timed, from its start to its return, with all three on. The ideal is
 * the larger of two bounds: the latency bound, calls x latency / concurrency (every call made
 * {@code concurrency} at a time with nothing but the fake's latency in between), and the quota
 * bound, the calls Lambda's quota counted in each class over the limiter's rate for that class
 * (control plane, GetFunction; the classes' buckets are separate, so the slower one bounds).
 * The quota bound leaves out the injected throttles, which never reach the quota but each cost
 * the limiter a token too.
 */
public class RotateBench {
    static final String SERVICE = "service-1";
    static final String LAYER = "mtls-service-1";
    static final Pattern AT = Pattern.compile("\"at\":\"([^\"]+)\"");
    static final Pattern EVENT = Pattern.compile("\"event\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        int functions = intArg(args, 0, 500);
        int concurrencyArg = intArg(args, 1, 0);
        int latencyMs = intArg(args, 2, 20);
        int throttleEvery = intArg(args, 3, 20);
        int completeAfterReads = intArg(args, 4, 1);
        int lambdaRate = intArg(args, 5, LambdaRates.DEFAULT.controlPlanePerSecond());
        int getFunctionRate = intArg(args, 6, LambdaRates.DEFAULT.getFunctionPerSecond());
        int concurrency = concurrencyArg > 0 ? concurrencyArg : RunOptions.DEFAULT_CONCURRENCY;
        long profileMs = Long.getLong("bench.profile", 0);

        // The JDK's HttpServer (the fake) writes a response's headers and body in two writes and,
        // unless told otherwise, leaves Nagle's algorithm on: the body then waits for the client's
        // delayed ACK (up to 40 ms on Linux; ~30 ms more per call measured here) on top of the
        // latency asked for. An AWS endpoint has no such stall, so the bench turns it off
        // (-Dsun.net.httpserver.nodelay=false shows it). Read once, when the first HttpServer is made.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        System.setProperty("aws.accessKeyId", FakeAws.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", FakeAws.SECRET_ACCESS_KEY);
        Path temp = Files.createTempDirectory("mtls-rotate-bench");
        PrintStream stdout = System.out;
        int exit;
        try (FakeAws aws = FakeAws.start()) {
            String region = aws.region();
            String endpoint = aws.endpoint().toString();
            Path ws = temp.resolve("ws");

            // ---- set-up, no latency, no throttling
            log("set-up: workspace, layer " + LAYER + " version 1, " + functions + " consumer functions");
            quiet(() -> MtlsCli.run("certs", "create", "--out", ws.toString()), "certs create");
            quiet(() -> MtlsCli.run("layer", "publish", "--workspace", ws.toString(), "--service", SERVICE,
                    "--region", region, "--endpoint-url", endpoint), "layer publish");
            String v1 = aws.lambda().layerVersions(LAYER).get(0).layerVersionArn();
            byte[] zip = zip("other/readme.txt", "another team's layer");
            String otherA = aws.lambda().publishLayerVersion("other-a", zip).layerVersionArn();
            String otherB = aws.lambda().publishLayerVersion("other-b", zip).layerVersionArn();
            Map<String, List<String>> initial = new LinkedHashMap<>();
            for (int i = 1; i <= functions; i++) {
                // most with the service's layer alone; one in ten each before, after, between other layers
                List<String> layers = switch (i % 10) {
                    case 1 -> List.of(otherA, v1);
                    case 2 -> List.of(v1, otherB);
                    case 3 -> List.of(otherA, v1, otherB);
                    default -> List.of(v1);
                };
                String name = String.format(Locale.ROOT, "consumer-%04d", i);
                aws.lambda().createFunction(name, "java21", layers, Map.of("team", "bench"));
                initial.put(name, layers);
            }
            // functions without the layer: the rotation must not touch them
            Map<String, List<String>> bystanders = new LinkedHashMap<>();
            for (int i = 1; i <= Math.max(1, functions / 50); i++) {
                String name = String.format(Locale.ROOT, "bystander-%03d", i);
                List<String> layers = i % 2 == 0 ? List.of(otherA, otherB) : List.of();
                aws.lambda().createFunction(name, "java21", layers, Map.of("team", "other"));
                bystanders.put(name, layers);
            }
            aws.lambda().updatesCompleteAfterReads(completeAfterReads);

            // ---- the timed rotation
            aws.latency(Duration.ofMillis(latencyMs));
            aws.throttleEvery(throttleEvery);
            aws.clearRequests();
            aws.enforceLambdaQuotas(true);
            List<String> rotate = new ArrayList<>(List.of("rotate", "--service", SERVICE, "--workspace", ws.toString(),
                    "--force", "--region", region, "--endpoint-url", endpoint,
                    "--lambda-rate", String.valueOf(lambdaRate), "--lambda-get-function-rate", String.valueOf(getFunctionRate)));
            if (concurrencyArg > 0) {
                rotate.addAll(List.of("--concurrency", String.valueOf(concurrencyArg)));
            }
            log("rotate: " + String.join(" ", rotate.subList(0, 3)) + " --force --lambda-rate " + lambdaRate
                    + " --lambda-get-function-rate " + getFunctionRate
                    + (concurrencyArg > 0 ? " --concurrency " + concurrencyArg : "") + " (" + latencyMs + " ms per call, "
                    + (throttleEvery > 0 ? "every " + throttleEvery + "th call of each operation throttled" : "no throttling")
                    + ", Lambda's quotas enforced)");
            Sampler sampler = profileMs > 0 ? Sampler.start(profileMs) : null;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            Instant started = Instant.now();
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            int rotateExit;
            try {
                rotateExit = MtlsCli.run(rotate.toArray(String[]::new));
            } finally {
                System.setOut(stdout);
            }
            long wallNanos = System.nanoTime() - t0;
            long cpuNanos = processCpuNanos() - cpu0;
            Instant returned = Instant.now();
            if (sampler != null) {
                sampler.stop();
            }
            aws.latency(Duration.ZERO);
            aws.throttleEvery(0);
            List<RecordedRequest> requests = aws.requests();
            List<FakeLambda.CountedCall> counted = aws.lambda().countedCalls();
            aws.enforceLambdaQuotas(false);
            if (rotateExit != 0) {
                stdout.println(captured.toString(StandardCharsets.UTF_8));
                log("rotate exited " + rotateExit);
            }

            // ---- the fleet afterwards
            List<FakeLambda.LayerVersion> versions = aws.lambda().layerVersions(LAYER);
            List<String> inconsistent = new ArrayList<>(); // functions not as they should be
            List<String> problems = new ArrayList<>();     // anything else wrong with the rotation
            if (versions.size() != 2) {
                problems.add("layer " + LAYER + " has " + versions.size() + " version(s), expected 2");
            }
            // no new version: every consumer is left on the old one, which counts as inconsistent
            String v2 = versions.size() >= 2 ? versions.get(versions.size() - 1).layerVersionArn() : "(no new version)";
            String prefix = v1.substring(0, v1.lastIndexOf(':') + 1);
            initial.forEach((name, layers) -> {
                List<String> expected = layers.stream().map(arn -> arn.startsWith(prefix) ? v2 : arn).toList();
                FakeLambda.FunctionConfig config = aws.lambda().function(name).orElseThrow();
                if (!expected.equals(config.layerArns()) || !"Successful".equals(config.lastUpdateStatus())) {
                    inconsistent.add(name + ": " + config.layerArns() + " " + config.lastUpdateStatus());
                }
            });
            bystanders.forEach((name, layers) -> {
                FakeLambda.FunctionConfig config = aws.lambda().function(name).orElseThrow();
                if (!layers.equals(config.layerArns()) || !"Successful".equals(config.lastUpdateStatus())) {
                    inconsistent.add(name + " (bystander): " + config.layerArns() + " " + config.lastUpdateStatus());
                }
            });

            // ---- phases from the journal (each step is journaled once done)
            Map<String, Instant> firstAt = new LinkedHashMap<>();
            Map<String, Instant> lastAt = new LinkedHashMap<>();
            int movedLines = 0;
            Path journal = ws.resolve("rotations").resolve(SERVICE + ".jsonl");
            List<String> journalLines = Files.exists(journal) ? Files.readAllLines(journal, StandardCharsets.UTF_8) : List.of();
            for (String line : journalLines) {
                Matcher at = AT.matcher(line);
                Matcher event = EVENT.matcher(line);
                if (at.find() && event.find()) {
                    Instant when = Instant.parse(at.group(1));
                    firstAt.putIfAbsent(event.group(1), when);
                    lastAt.put(event.group(1), when);
                    movedLines += event.group(1).equals("function-moved") ? 1 : 0;
                }
            }
            if (movedLines != functions) {
                problems.add("the journal has " + movedLines + " function-moved line(s), expected " + functions);
            }
            QuotaFigures quota = QuotaFigures.of(counted, firstAt.get("published"));
            if (quota.refused() > 0 && lambdaRate > 0 && getFunctionRate > 0) {
                problems.add("Lambda's quota answered " + quota.refused() + " call(s) 429 with the client-side limiter on");
            }

            // ---- the calls
            Map<String, long[]> byOperation = new TreeMap<>(); // total, throttled, other errors, delayed by the latency
            for (RecordedRequest r : requests) {
                long[] c = byOperation.computeIfAbsent(String.valueOf(r.operation()), k -> new long[4]);
                c[0]++;
                if ("TooManyRequestsException".equals(r.errorType()) || "ThrottlingException".equals(r.errorType())) {
                    c[1]++;
                } else if (r.errorType() != null) {
                    c[2]++;
                }
                // the layer archive download (s3 GetObject) is served without faults
                c[3] += "s3".equals(r.service()) ? 0 : 1;
            }
            long calls = 0, throttled = 0, delayed = 0, fleetCalls = 0;
            for (Map.Entry<String, long[]> e : byOperation.entrySet()) {
                calls += e.getValue()[0];
                throttled += e.getValue()[1];
                delayed += e.getValue()[3];
                if (isFleetOperation(e.getKey())) {
                    fleetCalls += e.getValue()[0];
                }
            }
            long beforeFleetCalls = delayed - fleetCalls;
            long injected = throttled - quota.refused(); // the fake's injected throttles never reach the quota
            double wallMs = wallNanos / 1e6;
            double latencyBoundMs = (double) delayed * latencyMs / concurrency;
            // a limit turned off (0) is bounded by the quota itself
            int cpRate = lambdaRate > 0 ? lambdaRate : QuotaFigures.CONTROL_PLANE_QUOTA;
            int gfRate = getFunctionRate > 0 ? getFunctionRate : QuotaFigures.GET_FUNCTION_QUOTA;
            double quotaBoundMs = quota.boundMs(cpRate, gfRate);
            double quota15BoundMs = quota.boundMs(QuotaFigures.CONTROL_PLANE_QUOTA, QuotaFigures.GET_FUNCTION_QUOTA);
            double idealMs = Math.max(latencyBoundMs, quotaBoundMs);
            double ratio = idealMs > 0 ? wallMs / idealMs : Double.NaN;
            double planMs = between(started, firstAt.get("planned"));
            double renewMs = between(firstAt.get("planned"), firstAt.get("material-ready"));
            double publishMs = between(firstAt.get("material-ready"), firstAt.get("published"));
            double moveMs = between(firstAt.get("published"), firstAt.get("completed"));
            double afterMs = between(firstAt.get("completed"), returned);
            double fleetLatencyBoundMs = (double) fleetCalls * latencyMs / concurrency;
            double fleetIdealMs = Math.max(fleetLatencyBoundMs, quota.fleetBoundMs(cpRate, gfRate));

            PrintStream out = stdout;
            out.println();
            out.printf(Locale.ROOT, "functions                %d (+%d bystanders), %d with other layers around the service's%n",
                    functions, bystanders.size(), initial.values().stream().filter(l -> l.size() > 1).count());
            out.printf(Locale.ROOT, "concurrency              %d%s%n", concurrency, concurrencyArg > 0 ? "" : " (the command's default)");
            out.printf(Locale.ROOT, "latency, throttling      %d ms per call, %s%n", latencyMs,
                    throttleEvery > 0 ? String.format(Locale.ROOT, "every %dth call of each operation (%.1f%%)", throttleEvery,
                            100.0 / throttleEvery) : "none");
            out.printf(Locale.ROOT, "update seen done after   %d read(s) InProgress%n", completeAfterReads);
            out.printf(Locale.ROOT, "Lambda's quotas          enforced (control plane %d/s, GetFunction %d/s); the CLI's limiter at %s and %s%n",
                    QuotaFigures.CONTROL_PLANE_QUOTA, QuotaFigures.GET_FUNCTION_QUOTA,
                    lambdaRate > 0 ? lambdaRate + "/s" : "off", getFunctionRate > 0 ? getFunctionRate + "/s" : "off");
            out.printf(Locale.ROOT, "rotate exit code         %d%n", rotateExit);
            out.printf(Locale.ROOT, "wall time                %.0f ms%n", wallMs);
            out.printf(Locale.ROOT, "  plan                   %.0f ms (ListLayerVersions, GetLayerVersion + download, ListFunctions pages, policy)%n", planMs);
            out.printf(Locale.ROOT, "  renew                  %.0f ms (new key, certificate, keystore; no AWS call)%n", renewMs);
            out.printf(Locale.ROOT, "  publish                %.0f ms (SSM password version, PublishLayerVersion, grants)%n", publishMs);
            out.printf(Locale.ROOT, "  move the fleet         %.0f ms (ideal %.0f ms: the larger of %d calls x %d ms / %d = %.0f ms and "
                            + "%d control-plane, %d GetFunction calls at %d/s, %d/s = %.0f ms; ratio %.2f)%n", moveMs,
                    fleetIdealMs, fleetCalls, latencyMs, concurrency, fleetLatencyBoundMs, quota.fleetControlPlane(),
                    quota.fleetGetFunction(), cpRate, gfRate, quota.fleetBoundMs(cpRate, gfRate),
                    fleetIdealMs > 0 ? moveMs / fleetIdealMs : Double.NaN);
            out.printf(Locale.ROOT, "  after                  %.0f ms (journal, summary, clients closed)%n", afterMs);
            out.printf(Locale.ROOT, "CPU time of the JVM      %.0f ms (the CLI and the fake together, %d CPUs: %.0f%% of them)%n",
                    cpuNanos / 1e6, Runtime.getRuntime().availableProcessors(),
                    100.0 * cpuNanos / wallNanos / Runtime.getRuntime().availableProcessors());
            out.println("calls by operation       total  throttled  other errors");
            byOperation.forEach((op, c) -> out.printf(Locale.ROOT, "  %-24s %5d  %9d  %12d%s%n", op, c[0], c[1], c[2],
                    c[3] == 0 ? "  (no latency)" : ""));
            out.printf(Locale.ROOT, "  %-24s %5d  %9d%n", "all", calls, throttled);
            out.printf(Locale.ROOT, "calls per function       %.2f in the fleet phase%n", (double) fleetCalls / functions);
            out.printf(Locale.ROOT, "throttled                %d injected by the fake, %d answered 429 by Lambda's quota%n", injected,
                    quota.refused());
            out.printf(Locale.ROOT, "the quota counted        %d control-plane calls (most in any 1 s: %d), %d GetFunction (most in any 1 s: %d)%n",
                    quota.controlPlane(), quota.controlPlaneMax1s(), quota.getFunction(), quota.getFunctionMax1s());
            out.printf(Locale.ROOT, "latency bound            %.0f ms (%d calls x %d ms / %d)%n", latencyBoundMs, delayed, latencyMs, concurrency);
            out.printf(Locale.ROOT, "quota bound              %.0f ms (%d control-plane calls / %d/s, %d GetFunction / %d/s: the larger); "
                            + "at Lambda's own %d/s and %d/s %.0f ms%n", quotaBoundMs, quota.controlPlane(), cpRate, quota.getFunction(), gfRate,
                    QuotaFigures.CONTROL_PLANE_QUOTA, QuotaFigures.GET_FUNCTION_QUOTA, quota15BoundMs);
            out.printf(Locale.ROOT, "ideal                    %.0f ms (the larger bound: the %s)%n", idealMs,
                    quotaBoundMs >= latencyBoundMs ? "quota" : "latency");
            out.printf(Locale.ROOT, "ratio wall / ideal       %.2f%n", ratio);
            out.printf(Locale.ROOT, "inconsistent functions   %d%n", inconsistent.size());
            inconsistent.stream().limit(20).forEach(s -> out.println("  " + s));
            if (inconsistent.size() > 20) {
                out.println("  ... and " + (inconsistent.size() - 20) + " more");
            }
            problems.forEach(s -> out.println("problem                  " + s));
            if (sampler != null) {
                sampler.print(out);
            }
            // one line for bench/rotate.sh
            out.printf(Locale.ROOT, "RESULT functions=%d concurrency=%d latency_ms=%d throttle_every=%d lambda_rate=%d get_function_rate=%d "
                            + "exit=%d wall_ms=%.0f plan_ms=%.0f renew_ms=%.0f publish_ms=%.0f move_ms=%.0f calls=%d fleet_calls=%d "
                            + "before_fleet_calls=%d throttled=%d quota_429=%d control_plane_calls=%d control_plane_max_1s=%d "
                            + "get_function_calls=%d get_function_max_1s=%d latency_bound_ms=%.0f quota_bound_ms=%.0f "
                            + "quota15_bound_ms=%.0f ideal_ms=%.0f ratio=%.2f fleet_ideal_ms=%.0f cpu_ms=%.0f inconsistent=%d%n",
                    functions, concurrency, latencyMs, throttleEvery, lambdaRate, getFunctionRate, rotateExit, wallMs, planMs, renewMs,
                    publishMs, moveMs, calls, fleetCalls, beforeFleetCalls, injected, quota.refused(), quota.controlPlane(),
                    quota.controlPlaneMax1s(), quota.getFunction(), quota.getFunctionMax1s(), latencyBoundMs, quotaBoundMs,
                    quota15BoundMs, idealMs, ratio, fleetIdealMs, cpuNanos / 1e6, inconsistent.size());
            exit = inconsistent.isEmpty() && problems.isEmpty() && rotateExit == 0 ? 0 : 1;
        } finally {
            deleteTree(temp);
        }
        System.exit(exit);
    }

    /**
     * What Lambda's quota counted in the account-region (FakeLambda.countedCalls): the calls of
     * each class, the most admitted in any one second (a window [t, t + 1 s) starting at a call),
     * the calls refused with a 429, and the same classes from the fleet phase on.
     */
    record QuotaFigures(long controlPlane, long getFunction, int controlPlaneMax1s, int getFunctionMax1s, long refused,
                        long fleetControlPlane, long fleetGetFunction) {
        static final int CONTROL_PLANE_QUOTA = 15;
        static final int GET_FUNCTION_QUOTA = 100;
        static final String GET_FUNCTION = "GetFunction API requests";
        static final String CONTROL_PLANE = "Remainder of the control plane API requests";

        /** GetPolicy, which has a quota of its own, is left out: rotate makes no such call. */
        static QuotaFigures of(List<FakeLambda.CountedCall> counted, Instant fleetFrom) {
            List<Instant> cp = new ArrayList<>();
            List<Instant> gf = new ArrayList<>();
            long refused = 0, fleetCp = 0, fleetGf = 0;
            for (FakeLambda.CountedCall c : counted) {
                if (!c.admitted()) {
                    refused++; // retried, and then counted again once admitted
                    continue;
                }
                boolean inFleetPhase = fleetFrom != null && !c.at().isBefore(fleetFrom);
                if (c.quota().equals(GET_FUNCTION)) {
                    gf.add(c.at());
                    fleetGf += inFleetPhase ? 1 : 0;
                } else if (c.quota().equals(CONTROL_PLANE)) {
                    cp.add(c.at());
                    fleetCp += inFleetPhase ? 1 : 0;
                }
            }
            return new QuotaFigures(cp.size(), gf.size(), most1s(cp), most1s(gf), refused, fleetCp, fleetGf);
        }

        static int most1s(List<Instant> times) {
            List<Instant> sorted = times.stream().sorted().toList();
            int most = 0;
            for (int first = 0, last = 0; last < sorted.size(); last++) {
                while (!sorted.get(first).plusSeconds(1).isAfter(sorted.get(last))) {
                    first++;
                }
                most = Math.max(most, last - first + 1);
            }
            return most;
        }

        /** The classes' buckets are separate: the slower class bounds the run. */
        double boundMs(int controlPlanePerSecond, int getFunctionPerSecond) {
            return 1000.0 * Math.max((double) controlPlane / controlPlanePerSecond, (double) getFunction / getFunctionPerSecond);
        }

        double fleetBoundMs(int controlPlanePerSecond, int getFunctionPerSecond) {
            return 1000.0 * Math.max((double) fleetControlPlane / controlPlanePerSecond, (double) fleetGetFunction / getFunctionPerSecond);
        }
    }

    static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getProcessCpuTime();
    }

    static boolean isFleetOperation(String operation) {
        return operation.equals("GetFunction") || operation.equals("GetFunctionConfiguration")
                || operation.equals("UpdateFunctionConfiguration");
    }

    static double between(Instant from, Instant to) {
        return from == null || to == null ? Double.NaN : Duration.between(from, to).toNanos() / 1e6;
    }

    static int intArg(String[] args, int index, int otherwise) {
        return args.length > index ? Integer.parseInt(args[index]) : otherwise;
    }

    static void log(String line) {
        System.err.println("[rotate-bench] " + line);
    }

    /** Runs a set-up command with its output captured, shown only when it fails. */
    static void quiet(java.util.function.IntSupplier command, String what) {
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
            stdout.println(captured.toString(StandardCharsets.UTF_8));
            throw new IllegalStateException(what + " exited " + exit);
        }
    }

    static byte[] zip(String name, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return bytes.toByteArray();
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

    /**
     * A sampling profiler of the rotation: every few milliseconds, what each of the rotation's
     * threads (the "mtls-rotate" workers, and "main" for plan, renew and publish) is doing, by
     * its stack: sleeping in the waiter between polls, sleeping in the SDK's retry stage (the
     * adaptive rate limiter before a call, or the backoff after a throttled one), waiting for the
     * fake's answer, or anything else (CPU, locks).
     */
    static final class Sampler implements Runnable {
        private final long intervalMs;
        private final Map<String, Map<String, Long>> counts = new TreeMap<>();
        /** Per thread: its group, its CPU time when first seen, its CPU time when last seen. */
        private final Map<Long, String> groupOf = new java.util.HashMap<>();
        private final Map<Long, Long> firstCpu = new java.util.HashMap<>();
        private final Map<Long, Long> lastCpu = new java.util.HashMap<>();
        private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        private volatile boolean running = true;
        private Thread thread;
        private long samples;
        private long startNanos;
        private long endNanos;

        private Sampler(long intervalMs) {
            this.intervalMs = intervalMs;
        }

        static Sampler start(long intervalMs) {
            Sampler sampler = new Sampler(intervalMs);
            sampler.thread = new Thread(sampler, "rotate-bench-sampler");
            sampler.thread.setDaemon(true);
            sampler.thread.start();
            return sampler;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        @Override
        public void run() {
            startNanos = System.nanoTime();
            while (running) {
                for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                    String name = e.getKey().getName();
                    long id = e.getKey().getId();
                    long cpu = threads.getThreadCpuTime(id);
                    if (cpu >= 0) {
                        groupOf.putIfAbsent(id, name.equals("main") ? "main" : name.equals("mtls-rotate") ? "mtls-rotate (fleet workers)"
                                : name.startsWith("fake-aws") ? "fake-aws (the fake's HTTP server)" : "other Java threads");
                        firstCpu.putIfAbsent(id, cpu);
                        lastCpu.put(id, cpu);
                    }
                    String group = name.equals("main") ? "main (plan, renew, publish)"
                            : name.equals("mtls-rotate") ? "mtls-rotate (fleet workers)" : null;
                    if (group != null) {
                        counts.computeIfAbsent(group, k -> new TreeMap<>()).merge(classify(e.getKey(), e.getValue()), 1L, Long::sum);
                    }
                }
                samples++;
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    break;
                }
            }
            endNanos = System.nanoTime();
        }

        static String classify(Thread thread, StackTraceElement[] stack) {
            if (stack.length == 0) {
                return "other";
            }
            boolean sleeping = stack[0].getClassName().equals("java.lang.Thread") && stack[0].getMethodName().startsWith("sleep");
            if (sleeping) {
                for (StackTraceElement f : stack) {
                    String c = f.getClassName();
                    if (c.endsWith(".RetryableStage")) {
                        // RetryableStage.execute: the sleep before an attempt is the rate limiter's delay,
                        // the sleep after a failed attempt the backoff (tryRefreshToken)
                        return f.getLineNumber() <= 55 ? "sleep: adaptive rate limiter, before a call"
                                : "sleep: retry backoff after a throttled call";
                    }
                    if (c.contains(".waiters.")) {
                        return "sleep: waiter, between polls";
                    }
                }
                return "sleep: other";
            }
            for (StackTraceElement f : stack) {
                String c = f.getClassName();
                String m = f.getMethodName();
                if (c.equals("java.util.concurrent.ThreadPoolExecutor") && m.equals("getTask")) {
                    return "idle (no function left to move)";
                }
                if (c.startsWith("sun.net.www.http.") || c.startsWith("sun.net.www.protocol.http.")
                        || c.equals("sun.nio.ch.NioSocketImpl") || c.equals("java.net.Socket$SocketInputStream")) {
                    if (c.equals("sun.nio.ch.NioSocketImpl") && m.equals("connect")) {
                        return "HTTP: connecting";
                    }
                    return "HTTP: waiting for the fake's answer (its latency)";
                }
            }
            for (StackTraceElement f : stack) {
                if (f.getClassName().equals("java.util.concurrent.FutureTask") && f.getMethodName().equals("get")) {
                    return "waiting for the fleet workers";
                }
            }
            if (thread.getState() == Thread.State.BLOCKED) {
                return "blocked on a lock";
            }
            return "running (CPU: signing, marshalling, journal, ...)";
        }

        void print(PrintStream out) {
            double every = samples == 0 ? 0 : (endNanos - startNanos) / 1e6 / samples;
            out.printf(Locale.ROOT, "where the time went (a sample every %.1f ms, %d samples; thread-ms = samples x %.1f ms)%n",
                    every, samples, every);
            Map<String, Long> cpuByGroup = new TreeMap<>();
            lastCpu.forEach((id, cpu) -> cpuByGroup.merge(groupOf.get(id), cpu - firstCpu.get(id), Long::sum));
            out.println("  CPU time by thread group during the rotation (JIT compiler and GC threads are not Java threads: not listed)");
            cpuByGroup.forEach((group, nanos) -> out.printf(Locale.ROOT, "    %6.0f ms  %s%n", nanos / 1e6, group));
            counts.forEach((group, byState) -> {
                long total = byState.values().stream().mapToLong(Long::longValue).sum();
                out.printf(Locale.ROOT, "  %s: %d thread-samples%n", group, total);
                byState.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .forEach(e -> out.printf(Locale.ROOT, "    %5.1f%%  ~%6.0f thread-ms  %s%n", 100.0 * e.getValue() / total,
                                e.getValue() * every, e.getKey()));
            });
        }
    }
}
