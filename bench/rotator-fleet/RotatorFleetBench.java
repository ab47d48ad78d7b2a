import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.cmd.MtlsCli;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.rotator.LeaseBusy;
import dev.mtlscli.rotator.Rotator;
import dev.mtlscli.rotator.RotatorSettings;
import dev.mtlscli.rotator.Throttled;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.LayerManifests;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.scheduled.DesiredState;
import dev.mtlscli.scheduled.DesiredStateTable;
import dev.mtlscli.scheduled.ScheduleExport;
import dev.mtlscli.workspace.ExistingWorkspace;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Benchmark of a scheduled rotation run (docs/benchmarks.md, "Scheduled rotation of a fleet";
 * bench/rotator-fleet.sh runs it): REGIONS x ACCOUNTS account-regions (the home account, which
 * publishes the layer in each region granted to the organization, and ACCOUNTS-1 member accounts
 * reached through an assumed role) with FUNCTIONS consumers each, against the loopback fake AWS
 * with LATENCY ms on every call and Lambda's control-plane quotas enforced per account-region. The
 * certificate is past its renewal point, so the run renews.
 *
 * <p>The run is driven as the state machine of infra's RotatorDefinition drives it, by a small
 * driver, not an interpreter: {@code targets}; phase 1, the home account's targets (roleArn null),
 * MAX_CONCURRENCY at a time (the Map's maxConcurrency), each a loop of {@code slice} calls with a
 * 15-minute Lambda's remaining time until done; phase 2, the member targets the same way; then
 * {@code report}. A slice that ends LeaseBusy or Throttled is run again, as the state machine's
 * Retry would, and counted.
 *
 * <p>With KILLS (a comma-separated list of published, half-moved, member; or "none") the same
 * run is killed at those points for real: the first slice of the target a point names runs in a
 * child JVM on this classpath, talking to the fake over loopback, and is SIGKILLed
 * (Process.destroyForcibly) when its log says it published a layer version (published, home
 * target of the first region), or when the fake answers the verification invoke half way through
 * the moves of the home target of the second region (half-moved), or a quarter of the way through
 * the first member's target of the last region (member). The state machine retries a dead
 * slice: the retry finds the dead slice's lease (LeaseBusy, counted) and runs again on a clock
 * past Rotator.LEASE_TTL, which stands for the Retry's waits until the lease expired.
 *
 * <pre>
 * java -cp rotator/target/mtls-rotator.jar:fake-aws/target/mtls-fake-aws-0.1.0.jar:CLASSES RotatorFleetBench \
 *     REGIONS ACCOUNTS FUNCTIONS LATENCY_MS MAX_CONCURRENCY KILLS
 * </pre>
 * Not a test: it prints RESULT lines and exits 1 when the consistency check fails (a consumer not
 * on its region's newest version, or not verified there; a pinned password version missing; a
 * second new version in a region; a layer published in a member account), Lambda's quota
 * answered a call 429, or the report failed the run.
 */
public class RotatorFleetBench {
    static final String ROLE = "mtls-rotation";
    static final String TABLE = "mtls-rotator";
    static final String SERVICE = "service-1";
    static final String LAYER = "mtls-service-1";
    static final Duration LAMBDA_TIMEOUT = Duration.ofMinutes(15);
    static final String CONTROL_PLANE = "Remainder of the control plane API requests";
    static final String GET_FUNCTION = "GetFunction API requests";
    static final int MAX_ATTEMPTS = 10;

    public static void main(String[] args) throws Exception {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true"); // see bench/rotate/RotateBench.java
        }
        System.setProperty("aws.accessKeyId", FakeAws.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", FakeAws.SECRET_ACCESS_KEY);
        if (args.length > 0 && args[0].equals("slice")) {
            System.exit(childSlice(args));
        }
        int regionCount = Integer.parseInt(args[0]);
        int accountCount = Integer.parseInt(args[1]);
        int functions = Integer.parseInt(args[2]);
        int latencyMs = Integer.parseInt(args[3]);
        int maxConcurrency = Integer.parseInt(args[4]);
        List<String> kills = args.length > 5 && !args[5].equals("none") ? List.of(args[5].split(",")) : List.of();
        System.exit(new RotatorFleetBench(regionCount, accountCount, functions, latencyMs, maxConcurrency, kills).run());
    }

    // ---- the child JVM: one slice, as one Lambda invocation -------------------------------------

    /** slice ENDPOINT HOME_REGION RUN_ID ACCOUNT REGION ROLE_ARN|- CURSOR|- CLOCK_OFFSET_MS: its log on stdout, then one line. */
    private static int childSlice(String[] a) {
        Rotator.Target target = new Rotator.Target(a[4], a[5], a[6].equals("-") ? null : a[6]);
        String cursor = a[7].equals("-") ? null : a[7];
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.ofMillis(Long.parseLong(a[8])));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Rotator rotator = new Rotator(settings(java.net.URI.create(a[1]), a[2]), clock, new PrintStream(OutputStream.nullOutputStream()),
                out);
        long end = System.nanoTime() + LAMBDA_TIMEOUT.toNanos();
        try {
            Rotator.SliceResult r = rotator.slice(a[3], target, cursor, () -> (end - System.nanoTime()) / 1_000_000);
            out.println("SLICE " + r.done() + " " + (r.cursor() == null ? "-" : r.cursor()) + " " + r.moved() + " " + r.renewed() + " "
                    + r.failures());
            return 0;
        } catch (LeaseBusy e) {
            out.println("ERROR LeaseBusy " + e.getMessage());
            return 3;
        } catch (Throttled e) {
            out.println("ERROR Throttled " + e.getMessage());
            return 4;
        }
    }

    static RotatorSettings settings(java.net.URI endpoint, String homeRegion) {
        return new RotatorSettings(new AwsSettings(homeRegion, null, endpoint, Map.of()), TABLE, "/mtls", "mtls-cli", "default",
                List.of(SERVICE), RotatorSettings.DEFAULT_SLICE_MARGIN, Duration.ofHours(12));
    }

    // ---- the benchmark ---------------------------------------------------------------------------

    private final List<String> regions;
    private final List<String> members = new ArrayList<>();
    private final int functions;
    private final int latencyMs;
    private final int maxConcurrency;
    private final List<String> kills;
    private final Duration leaseTtl;

    /** A point at which the first slice of a target is killed. */
    private record KillPoint(String name, String account, String region, String logLine, int invokes) {
    }

    private final Map<String, KillPoint> killAt = new LinkedHashMap<>(); // account/region -> point
    private final Map<String, AtomicReference<Process>> children = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> invokes = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> invokedOn = new ConcurrentHashMap<>();
    private final List<String> killLog = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Set<Process> killedChildren = ConcurrentHashMap.newKeySet();
    private final AtomicLong slices = new AtomicLong();
    private final AtomicLong leaseBusy = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong killed = new AtomicLong();
    private final AtomicLong childMillis = new AtomicLong();

    RotatorFleetBench(int regionCount, int accountCount, int functions, int latencyMs, int maxConcurrency, List<String> kills)
            throws Exception {
        this.regions = List.of("us-east-1", "eu-west-1", "ap-southeast-2", "eu-central-1", "us-west-2").subList(0, regionCount);
        for (int i = 1; i < accountCount; i++) {
            members.add(String.format(Locale.ROOT, "%012d", 200000000000L + i));
        }
        this.functions = functions;
        this.latencyMs = latencyMs;
        this.maxConcurrency = maxConcurrency;
        this.kills = kills;
        // the lease a killed slice leaves blocks the retry this long; package-private in the rotator, read so it cannot drift
        java.lang.reflect.Field ttl = Rotator.class.getDeclaredField("LEASE_TTL");
        ttl.setAccessible(true);
        this.leaseTtl = (Duration) ttl.get(null);
        for (String kill : kills) {
            KillPoint point = switch (kill) {
                case "published" -> new KillPoint(kill, FakeAws.ACCOUNT_ID, regions.get(0), ": published version ", 0);
                case "half-moved" -> new KillPoint(kill, FakeAws.ACCOUNT_ID, regions.get(Math.min(1, regions.size() - 1)), null,
                        functions / 2);
                case "member" -> {
                    if (members.isEmpty()) {
                        throw new IllegalArgumentException("the kill point member needs a member account");
                    }
                    yield new KillPoint(kill, members.get(0), regions.get(regions.size() - 1), null, Math.max(1, functions / 4));
                }
                default -> throw new IllegalArgumentException("a kill point is published, half-moved or member, not " + kill);
            };
            if (killAt.putIfAbsent(key(point.account(), point.region()), point) != null) {
                throw new IllegalArgumentException("two kill points in " + key(point.account(), point.region()));
            }
        }
    }

    int run() throws Exception {
        Path temp = Files.createTempDirectory("mtls-rotator-bench");
        PrintStream stdout = System.out;
        List<String> accounts = new ArrayList<>(List.of(FakeAws.ACCOUNT_ID));
        accounts.addAll(members);
        try (FakeAws aws = FakeAws.startFleet(regions, members)) {
            String endpoint = aws.endpoint().toString();
            String home = regions.get(0);
            for (String member : members) {
                aws.iam().createRole(member, ROLE, FakeAws.ACCOUNT_ID);
            }
            aws.dynamoDb().createTable(TABLE, "scope");
            Path ws = temp.resolve("ws");
            quiet(() -> MtlsCli.run("certs", "create", "--ca", "aws-kms", "--out", ws.toString(), "--region", home, "--endpoint-url", endpoint));
            quiet(() -> MtlsCli.run("layer", "publish", "--workspace", ws.toString(), "--service", SERVICE,
                    "--endpoint-url", endpoint, "--regions", String.join(",", regions), "--grant-org", FakeAws.ORGANIZATION_ID));
            List<DesiredState.Target> targets = new ArrayList<>();
            for (String region : regions) {
                String v1 = aws.lambda(region).layerVersions(LAYER).get(0).layerVersionArn();
                targets.add(new DesiredState.Target(FakeAws.ACCOUNT_ID, region, null));
                for (String member : members) {
                    targets.add(new DesiredState.Target(member, region, "arn:aws:iam::" + member + ":role/" + ROLE));
                }
                for (String account : accounts) {
                    for (int f = 0; f < functions; f++) {
                        aws.lambda(account, region).createFunction(String.format(Locale.ROOT, "consumer-%03d", f), "java21", List.of(v1), Map.of());
                    }
                    aws.lambda(account, region).onAnyInvoke((payload, function) -> verified(account, region, function));
                }
            }
            DesiredState state = ScheduleExport.from(ExistingWorkspace.open(ws), SERVICE, new ScheduleExport.Choices(LAYER,
                    "/mtls/" + SERVICE + "/", null, List.of(), Map.of(), targets, null, null, 1, true));
            try (AwsClients clients = AwsClients.connect(new AwsSettings(home, null, aws.endpoint(), Map.of()))) {
                new DesiredStateTable(clients.dynamoDb(), TABLE).write(state, null, "bench", Instant.now());
            }
            // 80% into the certificate's life: past the default renewal point (two thirds, with jitter)
            X509Certificate current = certificate(aws.lambda(home).layerVersions(LAYER).get(0).zip());
            Instant notBefore = current.getNotBefore().toInstant();
            Instant due = notBefore.plusSeconds((long) (Duration.between(notBefore, current.getNotAfter().toInstant()).toSeconds() * 0.8));
            Duration offset = Duration.between(Instant.now(), due);

            aws.latency(Duration.ofMillis(latencyMs));
            aws.clearRequests();
            aws.enforceLambdaQuotas(true);
            Rotator driverRotator = new Rotator(settings(aws.endpoint(), home), Clock.offset(Clock.systemUTC(), offset),
                    new PrintStream(OutputStream.nullOutputStream()), new PrintStream(OutputStream.nullOutputStream()));
            long t0 = System.nanoTime();
            Rotator.Targets run = driverRotator.targets(null);
            List<Rotator.Target> phase1 = run.targets().stream().filter(t -> t.roleArn() == null).toList();
            List<Rotator.Target> phase2 = run.targets().stream().filter(t -> t.roleArn() != null).toList();
            List<Rotator.ReportedResult> results = new ArrayList<>();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            PrintStream logStream = new PrintStream(log, true, StandardCharsets.UTF_8);
            results.addAll(phase(run.runId(), phase1, aws, home, offset, logStream));
            long phase1Ms = (System.nanoTime() - t0) / 1_000_000;
            Instant phase1Ended = Instant.now();
            results.addAll(phase(run.runId(), phase2, aws, home, offset, logStream));
            String reportError = null;
            try {
                driverRotator.report(run.runId(), results);
            } catch (RuntimeException e) {
                reportError = e.getMessage();
            }
            long wallMs = (System.nanoTime() - t0) / 1_000_000;
            aws.latency(Duration.ZERO);
            List<RecordedRequest> requests = aws.requests();

            // what each account-region's quota counted
            Map<String, Integer> refused = new java.util.TreeMap<>();
            long quota429 = 0, controlPlaneAll = 0, busiestHome = 0, busiestMember = 0, busiestGetFunction = 0;
            for (String region : regions) {
                for (String account : accounts) {
                    long controlPlane = 0, getFunction = 0;
                    for (FakeLambda.CountedCall c : aws.lambda(account, region).countedCalls()) {
                        if (!c.admitted()) {
                            quota429++;
                            refused.merge(key(account, region) + " " + c.operation() + " (" + c.quota() + ") in phase "
                                    + (c.at().isBefore(phase1Ended) ? 1 : 2), 1, Integer::sum);
                        } else if (c.quota().equals(GET_FUNCTION)) {
                            getFunction++;
                        } else if (c.quota().equals(CONTROL_PLANE)) {
                            controlPlane++;
                        }
                    }
                    controlPlaneAll += controlPlane;
                    if (account.equals(FakeAws.ACCOUNT_ID)) {
                        busiestHome = Math.max(busiestHome, controlPlane);
                    } else {
                        busiestMember = Math.max(busiestMember, controlPlane);
                    }
                    busiestGetFunction = Math.max(busiestGetFunction, getFunction);
                }
            }
            aws.enforceLambdaQuotas(false);
            long injected429 = requests.stream().filter(r -> r.status() == 429).count();

            List<String> problems = consistency(aws, accounts, reportError, logStream);
            long busiest = Math.max(busiestHome, busiestMember);
            // the brief's ideal: every account-region side by side, each at Lambda's 15/s (GetFunction 100/s)
            double idealMs = 1000.0 * Math.max(busiest / 15.0, busiestGetFunction / 100.0);
            // the phases run one after the other: the busiest home account-region, then the busiest member's
            double phasedIdealMs = 1000.0 * (busiestHome / 15.0 + busiestMember / 15.0);
            int total = functions * regions.size() * accounts.size();
            stdout.printf(Locale.ROOT, "RESULT regions=%d accounts=%d functions=%d latency_ms=%d max_concurrency=%d kills=%s wall_ms=%d "
                            + "phase1_ms=%d phase2_ms=%d calls=%d calls_per_function=%.2f control_plane_calls=%d control_plane_per_function=%.2f "
                            + "busiest_home_control_plane=%d busiest_member_control_plane=%d busiest_get_function=%d quota_429=%d "
                            + "ideal_ms=%.0f ratio=%.2f phased_ideal_ms=%.0f phased_ratio=%.2f slices=%d lease_busy_retries=%d "
                            + "throttled_retries=%d killed=%d child_jvm_ms=%d layer_versions_per_region=%s consistent=%s%n",
                    regions.size(), accounts.size(), total, latencyMs, maxConcurrency, kills.isEmpty() ? "none" : String.join(",", kills),
                    wallMs, phase1Ms, wallMs - phase1Ms, requests.size(), (double) requests.size() / total, controlPlaneAll,
                    (double) controlPlaneAll / total, busiestHome, busiestMember, busiestGetFunction, quota429, idealMs, wallMs / idealMs,
                    phasedIdealMs, wallMs / phasedIdealMs, slices.get(), leaseBusy.get(), throttled.get(), killed.get(), childMillis.get(),
                    versionsPerRegion(aws), problems.isEmpty());
            refused.forEach((what, n) -> stdout.println("RESULT quota_429 " + n + " x " + what));
            for (String k : killLog) {
                stdout.println("RESULT kill " + k);
            }
            for (String problem : problems.subList(0, Math.min(20, problems.size()))) {
                stdout.println("RESULT inconsistent " + problem);
            }
            if (!problems.isEmpty() || quota429 > 0) {
                Path saved = Files.writeString(temp.resolve("slices.log"), log.toString(StandardCharsets.UTF_8));
                stdout.println("RESULT log " + saved + (injected429 > 0 ? " (" + injected429 + " answers 429)" : ""));
                return 1;
            }
            return 0;
        }
    }

    /** A Map over the phase's targets, at most MAX_CONCURRENCY at once: each item a loop of slices until done. */
    private List<Rotator.ReportedResult> phase(String runId, List<Rotator.Target> targets, FakeAws aws, String home, Duration offset,
                                               PrintStream log) throws Exception {
        ExecutorService map = Executors.newFixedThreadPool(Math.max(1, Math.min(maxConcurrency, targets.size())));
        try {
            List<Future<Rotator.ReportedResult>> items = new ArrayList<>();
            for (Rotator.Target target : targets) {
                items.add(map.submit(() -> item(runId, target, aws, home, offset, log)));
            }
            List<Rotator.ReportedResult> results = new ArrayList<>();
            for (Future<Rotator.ReportedResult> item : items) {
                results.add(item.get());
            }
            return results;
        } finally {
            map.shutdownNow();
        }
    }

    private Rotator.ReportedResult item(String runId, Rotator.Target target, FakeAws aws, String home, Duration offset, PrintStream log) {
        String cursor = null;
        long failures = 0;
        Duration clock = offset;
        KillPoint kill = killAt.get(key(target.account(), target.region()));
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            slices.incrementAndGet();
            try {
                Rotator.SliceResult result;
                if (kill != null && attempt == 1) {
                    result = inChild(runId, target, cursor, clock, kill, aws, home, log);
                } else {
                    Rotator rotator = new Rotator(settings(aws.endpoint(), home), Clock.offset(Clock.systemUTC(), clock),
                            new PrintStream(OutputStream.nullOutputStream()), log);
                    long end = System.nanoTime() + LAMBDA_TIMEOUT.toNanos();
                    LongSupplier remaining = () -> (end - System.nanoTime()) / 1_000_000;
                    result = rotator.slice(runId, target, cursor, remaining);
                }
                failures += result.failures();
                if (result.done()) {
                    return new Rotator.ReportedResult(target, failures, false, null);
                }
                cursor = result.cursor();
            } catch (LeaseBusy e) {
                // the state machine waits 60 s, 120 s, ... and tries again; the dead holder's lease expires within its TTL
                leaseBusy.incrementAndGet();
                clock = clock.plus(leaseTtl).plusSeconds(1);
            } catch (Throttled e) {
                throttled.incrementAndGet();
            } catch (SliceKilled e) {
                // Lambda reports a dead runtime as an error the state machine retries (States.TaskFailed / Lambda.Unknown)
                killed.incrementAndGet();
            } catch (RuntimeException e) {
                log.println("slice of " + key(target.account(), target.region()) + " failed: " + e);
                return new Rotator.ReportedResult(target, failures + 1, false, e.getMessage());
            }
        }
        return new Rotator.ReportedResult(target, failures + 1, false, "no convergence in " + MAX_ATTEMPTS + " slices");
    }

    private static final class SliceKilled extends RuntimeException {
        SliceKilled(String message) {
            super(message);
        }
    }

    /** The slice in a child JVM, SIGKILLed at the kill point; its answer when it was not killed. */
    private Rotator.SliceResult inChild(String runId, Rotator.Target target, String cursor, Duration clock, KillPoint kill, FakeAws aws,
                                        String home, PrintStream log) {
        String where = key(target.account(), target.region());
        long t0 = System.nanoTime();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "RotatorFleetBench", "slice",
                aws.endpoint().toString(), home, runId, target.account(), target.region(), target.roleArn() == null ? "-" : target.roleArn(),
                cursor == null ? "-" : cursor, Long.toString(clock.toMillis())));
        try {
            Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            children.computeIfAbsent(where, k -> new AtomicReference<>()).set(child);
            String answer = null;
            boolean firstLine = true;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (firstLine) {
                        childMillis.addAndGet((System.nanoTime() - t0) / 1_000_000); // JVM start to its first log line
                        firstLine = false;
                    }
                    log.println("[child " + where + "] " + line);
                    if (kill.logLine() != null && line.contains(kill.logLine())) {
                        kill(child);
                        killLog.add(kill.name() + " " + where + " after log line: " + line.strip());
                    }
                    if (line.startsWith("SLICE ") || line.startsWith("ERROR ")) {
                        answer = line;
                    }
                }
            } catch (java.io.IOException e) {
                // the pipe of a killed child closes under the reader
                if (!killedChildren.contains(child)) {
                    throw e;
                }
            }
            int exit = child.waitFor();
            children.get(where).set(null);
            if (answer == null) {
                throw new SliceKilled(where + ": exit " + exit);
            }
            String[] f = answer.split(" ", 3);
            if (answer.startsWith("ERROR LeaseBusy")) {
                throw new LeaseBusy(f[2]);
            }
            if (answer.startsWith("ERROR Throttled")) {
                throw new Throttled(f[2]);
            }
            String[] r = answer.split(" ");
            return new Rotator.SliceResult(Boolean.parseBoolean(r[1]), r[2].equals("-") ? null : r[2], target, Long.parseLong(r[3]),
                    Long.parseLong(r[4]), Long.parseLong(r[5]));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void kill(Process child) {
        killedChildren.add(child);
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally, as a Lambda sandbox that dies
    }

    /** The fake's answer to a verification invoke: records the layers it ran on, and kills a child at its point. */
    private FakeLambda.InvokeResult verified(String account, String region, FakeLambda.FunctionConfig function) {
        String where = key(account, region);
        invokedOn.computeIfAbsent(where + "/" + function.functionName(), k -> ConcurrentHashMap.newKeySet()).addAll(function.layerArns());
        int n = invokes.computeIfAbsent(where, k -> new AtomicInteger()).incrementAndGet();
        KillPoint kill = killAt.get(where);
        if (kill != null && kill.invokes() > 0 && n == kill.invokes()) {
            AtomicReference<Process> child = children.get(where);
            Process process = child == null ? null : child.get();
            if (process != null) {
                kill(process);
                killLog.add(kill.name() + " " + where + " at verification invoke " + n + " of " + functions);
            }
        }
        return FakeLambda.InvokeResult.success("{}");
    }

    /** What must hold after the run; each failure named. */
    private List<String> consistency(FakeAws aws, List<String> accounts, String reportError, PrintStream log) {
        List<String> problems = new ArrayList<>();
        if (reportError != null) {
            problems.add("the report failed the run: " + reportError);
        }
        for (String region : regions) {
            List<FakeLambda.LayerVersion> versions = aws.lambda(region).layerVersions(LAYER);
            if (versions.size() != 2) {
                problems.add(region + ": " + versions.size() + " versions of " + LAYER + " in the home account, not 2 (one new)");
            }
            String newest = versions.get(versions.size() - 1).layerVersionArn();
            for (FakeLambda.LayerVersion version : versions) {
                LayerManifest manifest = manifest(version.zip());
                for (ParameterRef pinned : List.of(manifest.keyStore().password(), manifest.trustStore().password())) {
                    if (aws.ssm(region).version(pinned.name(), pinned.version()).isEmpty()) {
                        problems.add(version.layerVersionArn() + " pins " + pinned.selector() + ", which does not exist");
                    }
                }
            }
            for (String account : accounts) {
                if (!account.equals(FakeAws.ACCOUNT_ID) && !aws.lambda(account, region).layerVersions(LAYER).isEmpty()) {
                    problems.add(account + "/" + region + ": a layer " + LAYER + " published in a member account");
                }
                for (int f = 0; f < functions; f++) {
                    String name = String.format(Locale.ROOT, "consumer-%03d", f);
                    FakeLambda.FunctionConfig config = aws.lambda(account, region).function(name).orElseThrow();
                    if (!config.layerArns().equals(List.of(newest)) || !"Successful".equals(config.lastUpdateStatus())) {
                        problems.add(key(account, region) + "/" + name + " is on " + config.layerArns() + " (" + config.lastUpdateStatus()
                                + "), not " + newest);
                    } else if (!invokedOn.getOrDefault(key(account, region) + "/" + name, Set.of()).contains(newest)) {
                        problems.add(key(account, region) + "/" + name + " was never verified on " + newest);
                    }
                }
            }
        }
        return problems;
    }

    private String versionsPerRegion(FakeAws aws) {
        return String.join(",", regions.stream().map(r -> String.valueOf(aws.lambda(r).layerVersions(LAYER).size())).toList());
    }

    private static LayerManifest manifest(byte[] zip) {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (entry.getName().equals("mtls/" + SERVICE + "/" + LayerManifest.FILE_NAME)) {
                    return LayerManifests.parse(in.readAllBytes(), entry.getName());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no manifest of " + SERVICE + " in the layer");
    }

    private static X509Certificate certificate(byte[] zip) throws Exception {
        LayerManifest manifest = manifest(zip);
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(manifest.certificateDer())));
    }

    private static String key(String account, String region) {
        return account + "/" + region;
    }

    private static void quiet(java.util.function.IntSupplier command) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = command.getAsInt();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        if (exit != 0) {
            throw new IllegalStateException("set-up command failed with exit " + exit + ": " + captured.toString(StandardCharsets.UTF_8));
        }
    }
}
