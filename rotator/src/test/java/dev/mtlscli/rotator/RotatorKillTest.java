package dev.mtlscli.rotator;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.lease.LeaseScope;
import dev.mtlscli.rotation.JournalEvent;
import dev.mtlscli.rotation.JournalStore;
import dev.mtlscli.rotation.RotationJournal;
import dev.mtlscli.scheduled.TableJournalStore;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scheduled slice cut off after each step it journals (what a kill or a Lambda timeout leaves
 * in the table), then run again until it converges: at every point each consumer is on a published
 * version whose pinned password opens its keystore; in the end every consumer is on the one new
 * version and was verified there by an invocation. And the Lambda quota enforced by the fake is
 * kept by the rotator's limiter.
 */
class RotatorKillTest {
    private static final List<String> CONSUMERS = List.of("app-1", "app-2", "app-3", "app-4");
    private static final LongSupplier PLENTY = () -> 600_000;

    @TempDir
    Path temp;

    private static final class Kill extends RuntimeException {
        Kill(String where) {
            super("simulated kill after " + where);
        }
    }

    @Test
    void aSliceKilledAfterAnyJournaledStepConvergesWhenRunAgain() throws Exception {
        boolean killed = true;
        int k;
        for (k = 1; killed; k++) {
            try (RotatorFixture fixture = RotatorFixture.create(temp.resolve("k" + k), Map.of("service-1", CONSUMERS), true)) {
                Map<String, Set<String>> invokedOn = recordInvocations(fixture);
                Clock due = fixture.atLifetime("service-1", 0.8);
                Rotator.Target target = new Rotator.Target(FakeAws.ACCOUNT_ID, fixture.aws.region(), null);
                int killAt = k;
                AtomicInteger steps = new AtomicInteger();
                AtomicInteger kills = new AtomicInteger();
                Rotator dying = fixture.rotator(List.of("service-1"), due).observedBy((step, detail) -> {
                    if (steps.incrementAndGet() == killAt) {
                        kills.incrementAndGet();
                        throw new Kill("step " + killAt + " (" + step + " " + detail + ")");
                    }
                });

                Rotator.SliceResult cut = dying.slice("run-" + k, target, null, PLENTY);
                killed = kills.get() > 0;
                if (killed) {
                    assertEquals(1, cut.failures(), "kill at " + k + ": the slice reports the service failed");
                }
                fixture.assertEveryConsumerOnAnOpenableVersion("service-1", CONSUMERS);

                Rotator.SliceResult rerun = fixture.rotator(List.of("service-1"), due).slice("run-" + k + "-again", target, null, PLENTY);

                assertEquals(0, rerun.failures(), "kill at " + k + ": " + fixture.log);
                List<FakeLambda.LayerVersion> versions = fixture.versions("service-1");
                assertEquals(2, versions.size(), "kill at " + k + ": one new version, nothing deleted");
                String v2 = versions.get(1).layerVersionArn();
                for (String function : CONSUMERS) {
                    assertEquals(List.of(v2), fixture.layersOf(function), "kill at " + k + ": " + function);
                    assertTrue(invokedOn.getOrDefault(function, Set.of()).contains(v2), "kill at " + k + ": " + function + " verified on " + v2);
                }
                fixture.assertEveryConsumerOnAnOpenableVersion("service-1", CONSUMERS);
                assertCompletedInTheTable(fixture, k);
            }
        }
        // material, published, then each consumer moved and verified, then completed
        assertEquals(2 + 2 * CONSUMERS.size() + 1, k - 2, "the steps a kill was tried after");
    }

    @Test
    void aSliceWhoseFirstCallOfAnyAwsOperationFailsConvergesWhenRunAgain() throws Exception {
        List<String> operations;
        try (RotatorFixture clean = RotatorFixture.create(temp.resolve("clean"), Map.of("service-1", CONSUMERS), true)) {
            clean.aws.clearRequests();
            clean.rotator(List.of("service-1"), clean.atLifetime("service-1", 0.8))
                    .slice("run-clean", new Rotator.Target(FakeAws.ACCOUNT_ID, clean.aws.region(), null), null, PLENTY);
            operations = clean.aws.requests().stream().map(RecordedRequest::operation).distinct().toList();
        }
        assertTrue(operations.containsAll(List.of("GetItem", "PutItem", "PublishLayerVersion", "UpdateFunctionConfiguration", "Invoke",
                "Sign", "PutEvents")), operations.toString());
        for (String operation : operations) {
            try (RotatorFixture fixture = RotatorFixture.create(temp.resolve(operation), Map.of("service-1", CONSUMERS), true)) {
                Clock due = fixture.atLifetime("service-1", 0.8);
                Rotator.Target target = new Rotator.Target(FakeAws.ACCOUNT_ID, fixture.aws.region(), null);
                fixture.aws.failNext(operation, 400, "AccessDeniedException");
                try {
                    fixture.rotator(List.of("service-1"), due).slice("run-" + operation, target, null, PLENTY);
                } catch (RuntimeException failed) {
                    // what the state machine's Catch gets; the table and AWS say where it stopped
                }
                fixture.assertEveryConsumerOnAnOpenableVersion("service-1", CONSUMERS);

                Rotator.SliceResult rerun = fixture.rotator(List.of("service-1"), due).slice("run-again", target, null, PLENTY);

                assertEquals(0, rerun.failures(), operation + " failed: " + fixture.log);
                List<FakeLambda.LayerVersion> versions = fixture.versions("service-1");
                assertEquals(2, versions.size(), operation + " failed: one new version");
                for (String function : CONSUMERS) {
                    assertEquals(List.of(versions.get(1).layerVersionArn()), fixture.layersOf(function), operation + " failed: " + function);
                }
                fixture.assertEveryConsumerOnAnOpenableVersion("service-1", CONSUMERS);
            }
        }
    }

    @Test
    void aSliceCutOffBetweenPublishingAndJournalingItPublishesNoSecondVersionWhenRunAgain() throws Exception {
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", CONSUMERS), false)) {
            Clock due = fixture.atLifetime("service-1", 0.8);
            Rotator.Target target = new Rotator.Target(FakeAws.ACCOUNT_ID, fixture.aws.region(), null);
            AtomicInteger cut = new AtomicInteger();
            Rotator dying = fixture.rotator(List.of("service-1"), due).journalsThrough(store -> new JournalStore() {
                @Override
                public void append(String line) {
                    if (line.contains("\"event\":\"" + JournalEvent.PUBLISHED + "\"") && cut.getAndIncrement() == 0) {
                        throw new Kill("publishing, before its journal line");
                    }
                    store.append(line);
                }

                @Override
                public List<String> lines() {
                    return store.lines();
                }

                @Override
                public String location() {
                    return store.location();
                }
            });
            assertEquals(1, dying.slice("run-cut", target, null, PLENTY).failures());
            assertEquals(2, fixture.versions("service-1").size(), "published before the cut");
            fixture.assertEveryConsumerOnAnOpenableVersion("service-1", CONSUMERS);

            Rotator.SliceResult rerun = fixture.rotator(List.of("service-1"), due).slice("run-again", target, null, PLENTY);

            assertEquals(0, rerun.failures(), fixture.log.toString());
            List<FakeLambda.LayerVersion> versions = fixture.versions("service-1");
            assertEquals(2, versions.size(), "no second new version: " + fixture.log);
            for (String function : CONSUMERS) {
                assertEquals(List.of(versions.get(1).layerVersionArn()), fixture.layersOf(function), function);
            }
            fixture.assertEveryConsumerOnAnOpenableVersion("service-1", CONSUMERS);
        }
    }

    @Test
    void theEnforcedLambdaQuotaIsKeptWithoutA429() throws Exception {
        List<String> many = java.util.stream.IntStream.rangeClosed(1, 40).mapToObj(i -> "fn-" + i).toList();
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", many), false)) {
            fixture.aws.enforceLambdaQuotas(true);
            fixture.aws.clearRequests();
            Rotator.Target target = new Rotator.Target(FakeAws.ACCOUNT_ID, fixture.aws.region(), null);

            Rotator.SliceResult result = fixture.rotator(List.of("service-1"), fixture.atLifetime("service-1", 0.8))
                    .slice("run-quota", target, null, PLENTY);

            assertEquals(40, result.moved(), fixture.log.toString());
            assertEquals(0, fixture.aws.requests().stream().filter(request -> request.status() == 429).count());
        }
    }

    @Test
    void ofTwoRotatorsAtOnceOneActsAndTheOtherIsLeaseBusy() throws Exception {
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", CONSUMERS), false)) {
            Clock due = fixture.atLifetime("service-1", 0.8);
            Rotator.Target target = new Rotator.Target(FakeAws.ACCOUNT_ID, fixture.aws.region(), null);
            CountDownLatch firstInside = new CountDownLatch(1);
            CountDownLatch secondDone = new CountDownLatch(1);
            // the first rotator holds the service mid-rotation until the second one has tried
            Rotator first = fixture.rotator(List.of("service-1"), due).observedBy((step, detail) -> {
                if ("material".equals(step)) {
                    firstInside.countDown();
                    await(secondDone);
                }
            });
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try {
                Future<Rotator.SliceResult> acting = executor.submit(() -> first.slice("run-a", target, null, PLENTY));
                await(firstInside);
                LeaseBusy busy;
                try {
                    busy = assertThrows(LeaseBusy.class, () -> fixture.rotator(List.of("service-1"), due).slice("run-b", target, null, PLENTY));
                } finally {
                    secondDone.countDown();
                }
                Rotator.SliceResult result = acting.get(2, TimeUnit.MINUTES);

                assertTrue(busy.getMessage().contains("scheduled rotator run-a"), busy.getMessage());
                assertEquals(1, result.renewed());
                assertEquals(CONSUMERS.size(), result.moved());
                assertEquals(2, fixture.versions("service-1").size(), "one rotation acted");
            } finally {
                executor.shutdownNow();
            }
        }
    }

    @Test
    void aPersonsRotateWithTheStateTableAsLeaseTableWaitsForTheRotatorsLease() throws Exception {
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", CONSUMERS), false)) {
            Rotator.Target target = new Rotator.Target(FakeAws.ACCOUNT_ID, fixture.aws.region(), null);
            CountDownLatch rotatorInside = new CountDownLatch(1);
            CountDownLatch personDone = new CountDownLatch(1);
            Rotator rotator = fixture.rotator(List.of("service-1"), fixture.atLifetime("service-1", 0.8)).observedBy((step, detail) -> {
                if ("material".equals(step)) {
                    rotatorInside.countDown();
                    await(personDone);
                }
            });
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try {
                Future<Rotator.SliceResult> acting = executor.submit(() -> rotator.slice("run-a", target, null, PLENTY));
                await(rotatorInside);
                Cli.Result person;
                try {
                    person = FakeAwsCli.run(fixture.aws, "rotate", "--service", "service-1", "--workspace", fixture.workspace.toString(),
                            "--force", "--lease-table", RotatorFixture.TABLE);
                } finally {
                    personDone.countDown();
                }
                assertEquals(4, person.exitCode(), person.err());
                assertTrue(person.err().contains("scheduled rotator run-a"), person.err());
                assertEquals(1, acting.get(2, TimeUnit.MINUTES).renewed());
                assertEquals(2, fixture.versions("service-1").size(), "only the rotator published");
            } finally {
                executor.shutdownNow();
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(2, TimeUnit.MINUTES), "the other rotator never got there");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void lambdaThrottlingPastTheRetriesEndsTheSliceThrottledAndTheNextSliceFinishes() throws Exception {
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", CONSUMERS), false)) {
            Clock due = fixture.atLifetime("service-1", 0.8);
            Rotator.Target target = new Rotator.Target(FakeAws.ACCOUNT_ID, fixture.aws.region(), null);
            fixture.aws.throttleEvery("PublishLayerVersion", 1);

            Throttled throttled = assertThrows(Throttled.class, () -> fixture.rotator(List.of("service-1"), due)
                    .slice("run-throttled", target, null, PLENTY));

            assertTrue(throttled.getMessage().contains("TooManyRequestsException"), throttled.getMessage());
            assertEquals(1, fixture.versions("service-1").size());
            assertEquals(1, fixture.lastMetricsOf("service-1").get("Failures").asInt());
            fixture.aws.throttleEvery("PublishLayerVersion", 0);

            Rotator.SliceResult retried = fixture.rotator(List.of("service-1"), due).slice("run-throttled", target, null, PLENTY);

            assertEquals(0, retried.failures(), fixture.log.toString());
            assertEquals(2, fixture.versions("service-1").size(), "the retry takes the lease the throttled slice let go");
            fixture.assertEveryConsumerOnAnOpenableVersion("service-1", CONSUMERS);
        }
    }

    /** The layers each function had when it was invoked (the verification invoke). */
    private static Map<String, Set<String>> recordInvocations(RotatorFixture fixture) {
        Map<String, Set<String>> invokedOn = new ConcurrentHashMap<>();
        fixture.aws.lambda().onAnyInvoke((payload, function) -> {
            invokedOn.computeIfAbsent(function.functionName(), f -> ConcurrentHashMap.newKeySet()).addAll(function.layerArns());
            return FakeLambda.InvokeResult.success("{}");
        });
        return invokedOn;
    }

    /** The journal in the state table ends with the rotation completed. */
    private static void assertCompletedInTheTable(RotatorFixture fixture, int k) {
        try (DynamoDbClient dynamo = FakeAwsCli.dynamoDb(fixture.aws, fixture.aws.region())) {
            RotationJournal journal = RotationJournal.inStore(new TableJournalStore(dynamo, RotatorFixture.TABLE,
                    new LeaseScope(FakeAws.ACCOUNT_ID, fixture.aws.region(), "mtls-service-1")), "service-1", "mtls-service-1",
                    fixture.aws.region(), Clock.systemUTC(), "test");
            List<JournalEvent> events = journal.read();
            Set<String> rotations = new HashSet<>();
            events.stream().filter(e -> JournalEvent.PLANNED.equals(e.event())).forEach(e -> rotations.add(e.rotation()));
            assertEquals(1, rotations.size(), "kill at " + k + ": one rotation, resumed: " + events);
            assertEquals(JournalEvent.COMPLETED, events.get(events.size() - 1).event(), "kill at " + k);
        }
    }
}
