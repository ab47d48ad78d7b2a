package dev.mtlscli.rotation;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `rotate` against a fake Lambda that enforces the control-plane quotas per account-region
 * (15 calls per second shared, GetFunction 100): with the client-side limiter (the default) a
 * rotation of many functions is never refused, no second of the fake's record holds more than
 * the quota, and the run takes at least the time the quota allows for its calls; with the limiter
 * off the same rotation is met with 429s.
 */
class RotateWithinLambdaQuotaTest {
    private static final String CONTROL_PLANE = "Remainder of the control plane API requests";
    private static final String GET_FUNCTION = "GetFunction API requests";
    private static final String HOME = FakeAws.ACCOUNT_ID;
    private static final String MEMBER = "222222222222";
    private static final String ROLE = "mtls-rotation";
    private static final int FUNCTIONS = 30;

    @TempDir
    Path temp;

    private FakeAws aws;
    private Workspace ws;

    @AfterEach
    void stop() {
        if (aws != null) {
            aws.close();
        }
    }

    /** One region, n functions on service-1's version 1; the quotas switched on once they exist. */
    private void oneRegion(int n) {
        FakeAwsCli.credentials();
        aws = FakeAws.start();
        ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", ws.root().toString(), "--service", "service-1",
                "--grant-account", "111122223333");
        String v1 = aws.lambda().layerVersions("mtls-service-1").get(0).layerVersionArn();
        for (int i = 0; i < n; i++) {
            aws.lambda().createFunction("app-" + i, "java21", List.of(v1), Map.of());
        }
        aws.enforceLambdaQuotas(true);
    }

    private Cli.Result rotate(String... extra) {
        List<String> args = new ArrayList<>(List.of("rotate", "--service", "service-1", "--workspace", ws.root().toString(),
                "--force"));
        args.addAll(List.of(extra));
        return FakeAwsCli.run(aws, args.toArray(String[]::new));
    }

    @Test
    void aRotationOfManyFunctionsIsNeverRefusedAndTakesAtLeastTheQuotaBoundTime() {
        oneRegion(FUNCTIONS);

        rotate().assertExit(0, "rotate within the quota");

        List<FakeLambda.CountedCall> counted = aws.lambda().countedCalls();
        assertEquals(List.of(), counted.stream().filter(call -> !call.admitted()).toList(), "no call refused");
        assertEquals(0, aws.requests().stream().filter(request -> request.status() == 429).count());
        List<Instant> controlPlane = times(counted, CONTROL_PLANE);
        List<Instant> updates = counted.stream().filter(call -> call.operation().equals("UpdateFunctionConfiguration"))
                .map(FakeLambda.CountedCall::at).sorted().toList();
        assertEquals(FUNCTIONS, updates.size(), "one update per function");
        assertTrue(mostInOneSecond(controlPlane) <= 15, "at most 15 control-plane calls in any second: "
                + mostInOneSecond(controlPlane));
        assertTrue(mostInOneSecond(times(counted, GET_FUNCTION)) <= 100);
        // the quota admits 15 at once, then 15 a second: the calls cannot have taken less
        Duration bound = Duration.ofMillis((controlPlane.size() - 15) * 1000L / 15);
        Duration took = Duration.between(controlPlane.get(0), controlPlane.get(controlPlane.size() - 1));
        assertTrue(took.compareTo(bound) >= 0, controlPlane.size() + " control-plane calls in " + took + ", under the bound " + bound);
        String v2 = aws.lambda().layerVersions("mtls-service-1").get(1).layerVersionArn();
        for (int i = 0; i < FUNCTIONS; i++) {
            assertEquals(List.of(v2), aws.lambda().function("app-" + i).orElseThrow().layerArns());
        }
    }

    @Test
    void withTheLimiterOffTheSameRotationIsMetWithLambdas429s() {
        // more functions, moved 16 at a time: even on a busy machine the updates outrun 15 a second
        // for longer than the quota's burst of 15 lasts
        oneRegion(3 * FUNCTIONS);

        rotate("--lambda-rate", "0", "--lambda-get-function-rate", "0", "--concurrency", "16");

        List<FakeLambda.CountedCall> refused = aws.lambda().countedCalls().stream().filter(call -> !call.admitted()).toList();
        assertTrue(refused.size() > 0, "without the limiter the calls outrun the quota");
        assertTrue(aws.requests().stream().anyMatch(request -> request.status() == 429
                && "TooManyRequestsException".equals(request.errorType())));
    }

    @Test
    void aRateAtTheQuotaIsRefusedBeforeAnyCall() {
        oneRegion(1);

        Cli.Result over = rotate("--lambda-rate", "15");

        assertEquals(1, over.exitCode(), over.err());
        assertEquals(List.of("mtls-cli: --lambda-rate must be between 0 (no client-side limit) and 14 calls per second, "
                + "under Lambda's quota of 15, not 15"), over.errLines());
        assertEquals(List.of(), aws.lambda().countedCalls(), "refused before any call");
    }

    @Test
    void aFleetRotationKeepsEachAccountRegionUnderItsOwnQuota() {
        FakeAwsCli.credentials();
        List<String> regions = List.of("eu-west-1", "us-east-1");
        aws = FakeAws.startFleet(regions, List.of(MEMBER));
        aws.iam().createRole(MEMBER, ROLE, HOME);
        ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        Cli.runOk("layer", "publish", "--workspace", ws.root().toString(), "--service", "service-1",
                "--endpoint-url", aws.endpoint().toString(), "--regions", String.join(",", regions),
                "--grant-org", FakeAws.ORGANIZATION_ID);
        for (String region : regions) {
            String v1 = aws.lambda(region).layerVersions("mtls-service-1").get(0).layerVersionArn();
            for (String account : List.of(HOME, MEMBER)) {
                for (int i = 0; i < 12; i++) {
                    aws.lambda(account, region).createFunction("app-" + i, "java21", List.of(v1), Map.of());
                }
            }
        }
        aws.enforceLambdaQuotas(true);

        Cli.runOk("rotate", "--service", "service-1", "--workspace", ws.root().toString(), "--force",
                "--endpoint-url", aws.endpoint().toString(), "--regions", String.join(",", regions),
                "--accounts", MEMBER, "--role-name", ROLE);

        for (String region : regions) {
            String v2 = aws.lambda(region).layerVersions("mtls-service-1").get(1).layerVersionArn();
            for (String account : List.of(HOME, MEMBER)) {
                List<FakeLambda.CountedCall> counted = aws.lambda(account, region).countedCalls();
                String where = account + "/" + region;
                assertEquals(List.of(), counted.stream().filter(call -> !call.admitted()).toList(), "no call refused in " + where);
                assertEquals(12, counted.stream().filter(call -> call.operation().equals("UpdateFunctionConfiguration")).count(), where);
                assertTrue(mostInOneSecond(times(counted, CONTROL_PLANE)) <= 15, where);
                for (int i = 0; i < 12; i++) {
                    assertEquals(List.of(v2), aws.lambda(account, region).function("app-" + i).orElseThrow().layerArns(), where);
                }
            }
        }
        assertEquals(0, aws.requests().stream().filter(request -> request.status() == 429).count());
    }

    /**
     * Three account-regions (the publishing account and two members, in one region) with more
     * functions each than the fleet's workers: every account-region is moved from the start, side
     * by side, not one after the other. The fake's record of each account-region's updates shows
     * their windows overlapping and, together, more control-plane calls in one second than one
     * account-region's quota (each has a bucket of its own), while none goes over its own quota.
     */
    @Test
    void aFleetRotationMovesItsAccountRegionsSideBySide() {
        FakeAwsCli.credentials();
        String region = "eu-west-1";
        String second = "333333333333";
        List<String> accounts = List.of(HOME, MEMBER, second);
        aws = FakeAws.startFleet(List.of(region), List.of(MEMBER, second));
        aws.iam().createRole(MEMBER, ROLE, HOME);
        aws.iam().createRole(second, ROLE, HOME);
        ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        Cli.runOk("layer", "publish", "--workspace", ws.root().toString(), "--service", "service-1",
                "--endpoint-url", aws.endpoint().toString(), "--regions", region, "--grant-org", FakeAws.ORGANIZATION_ID);
        String v1 = aws.lambda(region).layerVersions("mtls-service-1").get(0).layerVersionArn();
        int each = 40; // 5 times the 8 workers: queued one account-region after the other, the first would hold them all
        for (String account : accounts) {
            for (int i = 0; i < each; i++) {
                aws.lambda(account, region).createFunction("app-" + i, "java21", List.of(v1), Map.of());
            }
        }
        aws.enforceLambdaQuotas(true);

        Cli.runOk("rotate", "--service", "service-1", "--workspace", ws.root().toString(), "--force",
                "--endpoint-url", aws.endpoint().toString(), "--regions", region,
                "--accounts", MEMBER + "," + second, "--role-name", ROLE, "--concurrency", "4", "--global-concurrency", "8");

        String v2 = aws.lambda(region).layerVersions("mtls-service-1").get(1).layerVersionArn();
        List<Instant> firsts = new ArrayList<>();
        List<Instant> lasts = new ArrayList<>();
        List<Instant> allControlPlane = new ArrayList<>();
        for (String account : accounts) {
            String where = account + "/" + region;
            List<FakeLambda.CountedCall> counted = aws.lambda(account, region).countedCalls();
            assertEquals(List.of(), counted.stream().filter(call -> !call.admitted()).toList(), "no call refused in " + where);
            List<Instant> updates = counted.stream().filter(call -> call.operation().equals("UpdateFunctionConfiguration"))
                    .map(FakeLambda.CountedCall::at).sorted().toList();
            assertEquals(each, updates.size(), "one update per function in " + where);
            List<Instant> controlPlane = times(counted, CONTROL_PLANE);
            assertTrue(mostInOneSecond(controlPlane) <= 15, where + ": " + mostInOneSecond(controlPlane) + " control-plane calls in 1 s");
            firsts.add(updates.get(0));
            lasts.add(updates.get(updates.size() - 1));
            allControlPlane.addAll(controlPlane);
            for (int i = 0; i < each; i++) {
                assertEquals(List.of(v2), aws.lambda(account, region).function("app-" + i).orElseThrow().layerArns(), where);
            }
        }
        Instant lastToStart = firsts.stream().max(Instant::compareTo).orElseThrow();
        Instant firstToEnd = lasts.stream().min(Instant::compareTo).orElseThrow();
        assertTrue(lastToStart.isBefore(firstToEnd), "every account-region's first update (" + firsts
                + ") comes before any account-region's last (" + lasts + ")");
        int together = mostInOneSecond(allControlPlane.stream().sorted().toList());
        assertTrue(together > 15, "the three account-regions together made " + together
                + " control-plane calls in their busiest second, no more than one account-region's quota allows");
        assertEquals(0, aws.requests().stream().filter(request -> request.status() == 429).count());
    }

    private static List<Instant> times(List<FakeLambda.CountedCall> counted, String quota) {
        return counted.stream().filter(call -> call.quota().equals(quota)).map(FakeLambda.CountedCall::at).sorted().toList();
    }

    /** The most calls whose times fall in one closed window of a second. */
    private static int mostInOneSecond(List<Instant> sorted) {
        int most = 0;
        int last = 0;
        for (int first = 0; first < sorted.size(); first++) {
            last = Math.max(last, first);
            while (last + 1 < sorted.size() && !sorted.get(last + 1).isAfter(sorted.get(first).plusSeconds(1))) {
                last++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }
}
