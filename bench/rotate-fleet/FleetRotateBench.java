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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark of a fleet rotation (docs/benchmarks.md, "Rotation of a fleet"; bench/rotate-fleet.sh
 * runs it): REGIONS x ACCOUNTS account-regions (the publishing account and ACCOUNTS-1 member
 * accounts reached through an assumed role) with FUNCTIONS consumers each, every call of the
 * timed `rotate` delayed by LATENCY ms and every THROTTLE_EVERY-th call of each operation
 * throttled. Not a test: it prints one RESULT line and exits 1 only when a reachable function is
 * left inconsistent.
 *
 * <pre>
 * java -cp cli/target/mtls-cli.jar bench/rotate-fleet/FleetRotateBench.java \
 *     REGIONS ACCOUNTS FUNCTIONS CONCURRENCY GLOBAL LATENCY_MS THROTTLE_EVERY UNREACHABLE_ACCOUNTS
 * </pre>
 * The ideal wall time is calls x latency / effective concurrency, where the effective concurrency
 * is min(GLOBAL, reachable account-regions x CONCURRENCY).
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
            List<String> rotate = new ArrayList<>(List.of("rotate", "--service", "service-1", "--workspace", ws.toString(), "--force",
                    "--endpoint-url", endpoint, "--regions", String.join(",", regions), "--role-name", ROLE,
                    "--concurrency", String.valueOf(concurrency), "--global-concurrency", String.valueOf(global)));
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
            double idealMs = (double) requests.size() * latencyMs / effective;
            stdout.printf(Locale.ROOT, "RESULT regions=%d accounts=%d functions=%d exit=%d wall_ms=%d calls=%d throttled=%d "
                            + "effective_concurrency=%d ideal_ms=%.0f ratio=%.2f converged=%d/%d inconsistent=%d untouched_unreachable=%d%n",
                    regionCount, accountCount, functions * regionCount * accountCount, exit, wallMs, requests.size(), throttled,
                    effective, idealMs, wallMs / idealMs, converged, regionCount * accountCount, inconsistent, untouched);
            System.exit(inconsistent == 0 ? 0 : 1);
        }
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
