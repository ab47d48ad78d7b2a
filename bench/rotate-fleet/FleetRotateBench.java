import dev.mtlscli.aws.LambdaRates;
import dev.mtlscli.cmd.MtlsCli;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.fakeaws.RecordedRequest;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark of a fleet rotation (docs/benchmarks.md, "Rotation of a fleet"; bench/rotate-fleet.sh
 * runs it): REGIONS x ACCOUNTS account-regions (the publishing account and ACCOUNTS-1 member
 * accounts reached through an assumed role) with FUNCTIONS consumers each, Lambda's control-plane
 * quotas enforced in each account-region, every call of the timed `rotate` delayed by LATENCY ms
 * and every THROTTLE_EVERY-th call of each operation throttled. Not a test: it prints one RESULT
 * line and exits 1 when a reachable function is left inconsistent or, with the limiter on,
 * Lambda's quota answered any call 429.
 *
 * <pre>
 * java -cp cli/target/mtls-cli.jar bench/rotate-fleet/FleetRotateBench.java \
 *     REGIONS ACCOUNTS FUNCTIONS CONCURRENCY GLOBAL LATENCY_MS THROTTLE_EVERY UNREACHABLE_ACCOUNTS [LAMBDA_RATE]
 * </pre>
 * LAMBDA_RATE is rotate's --lambda-rate (default the command's, 10); GetFunction keeps the
 * command's default rate. The ideal wall time is the larger of the latency bound, calls x latency
 * / effective concurrency (min(GLOBAL, reachable account-regions x CONCURRENCY)), and the quota
 * bound: account-regions run side by side, so it is the busiest account-region's calls, as
 * Lambda's quota counted them, over the limiter's rate (control plane and GetFunction each on its
 * own bucket: the slower one). It leaves out the injected throttles, which never reach the quota
 * but each cost the limiter a token. The account-regions updating (mean and most over the seconds
 * from the first update to the last) say how many moved side by side.
 */
public class FleetRotateBench {
    static final String ROLE = "mtls-rotation";

    public static void main(String[] args) throws Exception {
        int regionCount = Integer.parseInt(args[0]);
        int accountCount = Integer.parseInt(args[1]);
        int functions = Integer.parseInt(args[2]);
        int concurrency = Integer.parseInt(args[3]);
        int global = Integer.parseInt(args[4]);
        int latencyMs = Integer.parseInt(args[5]);
        int throttleEvery = Integer.parseInt(args[6]);
        int unreachable = Integer.parseInt(args[7]);
        int lambdaRate = args.length > 8 ? Integer.parseInt(args[8]) : LambdaRates.DEFAULT.controlPlanePerSecond();
        int getFunctionRate = LambdaRates.DEFAULT.getFunctionPerSecond();
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true"); // see bench/rotate/RotateBench.java
        }
        System.setProperty("aws.accessKeyId", FakeAws.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", FakeAws.SECRET_ACCESS_KEY);
        List<String> regions = List.of("us-east-1", "eu-west-1", "ap-southeast-2", "eu-central-1", "us-west-2").subList(0, regionCount);
        List<String> members = new ArrayList<>();
        for (int i = 1; i < accountCount; i++) {
            members.add(String.format(Locale.ROOT, "%012d", 200000000000L + i));
        }
        Path temp = Files.createTempDirectory("mtls-fleet-bench");
        PrintStream stdout = System.out;
        try (FakeAws aws = FakeAws.startFleet(regions, members)) {
            String endpoint = aws.endpoint().toString();
            List<String> reachable = new ArrayList<>(List.of(FakeAws.ACCOUNT_ID));
            for (int i = 0; i < members.size(); i++) {
                if (i >= members.size() - unreachable) {
                    continue; // no role: AssumeRole is refused in this account
                }
                aws.iam().createRole(members.get(i), ROLE, FakeAws.ACCOUNT_ID);
                reachable.add(members.get(i));
            }
            Path ws = temp.resolve("ws");
            quiet(() -> MtlsCli.run("certs", "create", "--out", ws.toString()));
            quiet(() -> MtlsCli.run("layer", "publish", "--workspace", ws.toString(), "--service", "service-1",
                    "--endpoint-url", endpoint, "--regions", String.join(",", regions), "--grant-org", FakeAws.ORGANIZATION_ID));
            List<String> accounts = new ArrayList<>(List.of(FakeAws.ACCOUNT_ID));
            accounts.addAll(members);
            for (String region : regions) {
                String v1 = aws.lambda(region).layerVersions("mtls-service-1").get(0).layerVersionArn();
                for (String account : accounts) {
                    for (int f = 0; f < functions; f++) {
                        aws.lambda(account, region).createFunction(String.format(Locale.ROOT, "consumer-%03d", f), "java21", List.of(v1), Map.of());
                    }
                }
            }

            aws.latency(Duration.ofMillis(latencyMs));
            aws.throttleEvery(throttleEvery);
            aws.clearRequests();
            aws.enforceLambdaQuotas(true);
            List<String> rotate = new ArrayList<>(List.of("rotate", "--service", "service-1", "--workspace", ws.toString(), "--force",
                    "--endpoint-url", endpoint, "--regions", String.join(",", regions), "--role-name", ROLE,
                    "--concurrency", String.valueOf(concurrency), "--global-concurrency", String.valueOf(global),
                    "--lambda-rate", String.valueOf(lambdaRate), "--lambda-get-function-rate", String.valueOf(getFunctionRate)));
            if (!members.isEmpty()) {
                rotate.addAll(List.of("--accounts", String.join(",", members)));
            }
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            long t0 = System.nanoTime();
            int exit;
            try {
                exit = MtlsCli.run(rotate.toArray(String[]::new));
            } finally {
                System.setOut(stdout);
            }
            long wallMs = (System.nanoTime() - t0) / 1_000_000;
            aws.latency(Duration.ZERO);
            aws.throttleEvery(0);
            List<RecordedRequest> requests = aws.requests();
            // per account-region: what its quota counted (control plane, GetFunction, refused, most control-plane in 1 s)
            long quota429 = 0, busiestControlPlane = 0, busiestGetFunction = 0;
            int controlPlaneMax1s = 0;
            List<String> allAccounts = new ArrayList<>(List.of(FakeAws.ACCOUNT_ID));
            allAccounts.addAll(members);
            List<List<Instant>> updatesByTarget = new ArrayList<>();
            for (String region : regions) {
                for (String account : allAccounts) {
                    List<Instant> controlPlane = new ArrayList<>();
                    List<Instant> updates = new ArrayList<>();
                    long getFunction = 0;
                    for (FakeLambda.CountedCall c : aws.lambda(account, region).countedCalls()) {
                        if (!c.admitted()) {
                            quota429++;
                        } else if (c.quota().equals("GetFunction API requests")) {
                            getFunction++;
                        } else if (c.quota().equals("Remainder of the control plane API requests")) {
                            controlPlane.add(c.at());
                            if (c.operation().equals("UpdateFunctionConfiguration")) {
                                updates.add(c.at());
                            }
                        }
                    }
                    updatesByTarget.add(updates);
                    busiestControlPlane = Math.max(busiestControlPlane, controlPlane.size());
                    busiestGetFunction = Math.max(busiestGetFunction, getFunction);
                    controlPlaneMax1s = Math.max(controlPlaneMax1s, most1s(controlPlane));
                }
            }
            int[] updating = updatingPerSecond(updatesByTarget);
            int updatingMax = java.util.Arrays.stream(updating).max().orElse(0);
            double updatingMean = java.util.Arrays.stream(updating).average().orElse(0);
            aws.enforceLambdaQuotas(false);
            long throttled = requests.stream().filter(r -> r.errorType() != null && r.errorType().contains("Throttl")
                    || r.errorType() != null && r.errorType().contains("TooManyRequests")).count();

            int converged = 0;
            int inconsistent = 0;
            int untouched = 0;
            for (String region : regions) {
                List<FakeLambda.LayerVersion> versions = aws.lambda(region).layerVersions("mtls-service-1");
                String v2 = versions.get(versions.size() - 1).layerVersionArn();
                for (String account : accounts) {
                    boolean ok = true;
                    for (int f = 0; f < functions; f++) {
                        FakeLambda.FunctionConfig config = aws.lambda(account, region)
                                .function(String.format(Locale.ROOT, "consumer-%03d", f)).orElseThrow();
                        boolean onNew = config.layerArns().equals(List.of(v2)) && "Successful".equals(config.lastUpdateStatus());
                        if (reachable.contains(account)) {
                            if (!onNew) {
                                inconsistent++;
                                ok = false;
                            }
                        } else if (!onNew) {
                            untouched++;
                            ok = false;
                        }
                    }
                    converged += ok ? 1 : 0;
                }
            }
            int targets = reachable.size() * regions.size();
            int effective = Math.min(global, targets * concurrency);
            double latencyBoundMs = (double) requests.size() * latencyMs / effective;
            int cpRate = lambdaRate > 0 ? lambdaRate : 15; // a limit turned off is bounded by the quota itself
            double quotaBoundMs = 1000.0 * Math.max((double) busiestControlPlane / cpRate, (double) busiestGetFunction / getFunctionRate);
            double quota15BoundMs = 1000.0 * Math.max(busiestControlPlane / 15.0, busiestGetFunction / 100.0);
            double idealMs = Math.max(latencyBoundMs, quotaBoundMs);
            stdout.printf(Locale.ROOT, "RESULT regions=%d accounts=%d functions=%d lambda_rate=%d exit=%d wall_ms=%d calls=%d "
                            + "throttled=%d quota_429=%d busiest_control_plane_calls=%d busiest_get_function_calls=%d "
                            + "control_plane_max_1s=%d effective_concurrency=%d latency_bound_ms=%.0f quota_bound_ms=%.0f "
                            + "quota15_bound_ms=%.0f ideal_ms=%.0f ratio=%.2f converged=%d/%d inconsistent=%d untouched_unreachable=%d "
                            + "updating_account_regions_mean=%.1f updating_account_regions_max=%d%n",
                    regionCount, accountCount, functions * regionCount * accountCount, lambdaRate, exit, wallMs, requests.size(),
                    throttled - quota429, quota429, busiestControlPlane, busiestGetFunction, controlPlaneMax1s, effective,
                    latencyBoundMs, quotaBoundMs, quota15BoundMs, idealMs, wallMs / idealMs, converged, regionCount * accountCount,
                    inconsistent, untouched, updatingMean, updatingMax);
            System.exit(inconsistent == 0 && (quota429 == 0 || lambdaRate == 0) ? 0 : 1);
        }
    }

    /**
     * For each whole second from the fleet's first update to its last, how many account-regions
     * the quota counted an UpdateFunctionConfiguration of: the account-regions moving side by side.
     */
    private static int[] updatingPerSecond(List<List<Instant>> updatesByTarget) {
        Instant first = updatesByTarget.stream().flatMap(List::stream).min(Instant::compareTo).orElse(null);
        if (first == null) {
            return new int[0];
        }
        long lastSecond = updatesByTarget.stream().flatMap(List::stream).mapToLong(t -> Duration.between(first, t).toSeconds()).max().orElse(0);
        int[] updating = new int[(int) lastSecond + 1];
        for (List<Instant> updates : updatesByTarget) {
            updates.stream().mapToLong(t -> Duration.between(first, t).toSeconds()).distinct().forEach(second -> updating[(int) second]++);
        }
        return updating;
    }

    /** The most calls in any window [t, t + 1 s) that starts at a call. */
    private static int most1s(List<Instant> times) {
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

    private static void quiet(java.util.function.IntSupplier command) {
        PrintStream out = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = command.getAsInt();
        } finally {
            System.setOut(out);
        }
        if (exit != 0) {
            throw new IllegalStateException("set-up command failed with exit " + exit);
        }
    }
}
