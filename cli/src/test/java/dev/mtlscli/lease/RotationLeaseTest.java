package dev.mtlscli.lease;

import dev.mtlscli.MtlsException;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rotation lease against the fake DynamoDB, through the real SDK client, with a clock the test moves. */
class RotationLeaseTest {
    private static final String TABLE = "mtls-rotation-leases";
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final LeaseScope SCOPE = new LeaseScope(FakeAws.ACCOUNT_ID, "us-east-1", "mtls-service-1");

    private FakeAws aws;
    private DynamoDbClient dynamo;
    private SettableClock clock;
    private RotationLease leases;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        aws.dynamoDb().createTable(TABLE, RotationLease.KEY);
        dynamo = FakeAwsCli.dynamoDb(aws, aws.region());
        clock = new SettableClock(Instant.parse("2026-12-07T10:00:00Z"));
        leases = new RotationLease(dynamo, TABLE, clock);
    }

    @AfterEach
    void stop() {
        dynamo.close();
        aws.close();
    }

    private Map<String, Map<String, Object>> item() {
        return aws.dynamoDb().item(TABLE, SCOPE.key()).orElseThrow();
    }

    private static String n(Map<String, Map<String, Object>> item, String attribute) {
        Map<String, Object> value = item.get(attribute);
        return value == null ? null : (String) value.get("N");
    }

    @Test
    void aFreeLeaseIsTakenWithTokenOneAndItsHolderAndExpiryAreStored() {
        Lease lease = leases.acquire(SCOPE, "alice", TTL);
        assertEquals(1, lease.token());
        assertEquals(clock.instant().plus(TTL), lease.expires());
        Map<String, Map<String, Object>> item = item();
        assertEquals(Map.of("S", "alice"), item.get("holder"));
        assertEquals("1", n(item, "token"));
        assertEquals(Long.toString(clock.instant().toEpochMilli()), n(item, "acquiredAt"));
        assertEquals(Long.toString(clock.instant().plus(TTL).toEpochMilli()), n(item, "expiresAt"));
        assertEquals(Map.of("S", FakeAws.ACCOUNT_ID + "/us-east-1/mtls-service-1"), item.get("scope"));
    }

    @Test
    void aHeldLeaseIsRefusedNamingItsHolderUntilItExpiresThenTakenOverWithAHigherToken() {
        leases.acquire(SCOPE, "crashed holder", TTL);
        Instant since = clock.instant();
        clock.advance(TTL); // at its expiry it still stands
        LeaseHeldException busy = assertThrows(LeaseHeldException.class, () -> leases.acquire(SCOPE, "bob", TTL));
        assertEquals("crashed holder", busy.lease().holder());
        assertTrue(busy.getMessage().contains("leased to crashed holder since " + since), busy.getMessage());
        assertTrue(busy.getMessage().contains("expires " + since.plus(TTL)), busy.getMessage());
        assertEquals(1, aws.requests("PutItem").size(), "a held lease is read, not written");

        clock.advance(Duration.ofMillis(1));
        Lease taken = leases.acquire(SCOPE, "bob", TTL);
        assertEquals(2, taken.token());
        assertEquals(Map.of("S", "bob"), item().get("holder"));
    }

    @Test
    void aRenewedLeaseOutlivesItsFirstExpiryAndARenewalAfterTakeoverIsRefused() {
        Lease alice = leases.acquire(SCOPE, "alice", TTL);
        clock.advance(Duration.ofMinutes(4));
        alice = leases.renew(alice, TTL);
        clock.advance(Duration.ofMinutes(2));
        assertThrows(LeaseHeldException.class, () -> leases.acquire(SCOPE, "bob", TTL), "renewed: held 9 minutes after it was taken");

        clock.advance(TTL);
        Lease bob = leases.acquire(SCOPE, "bob", TTL);
        Lease stale = alice;
        LeaseLostException lost = assertThrows(LeaseLostException.class, () -> leases.renew(stale, TTL));
        assertTrue(lost.getMessage().contains("now leased to bob"), lost.getMessage());
        assertTrue(lost.getMessage().contains("with token 2"), lost.getMessage());
        assertFalse(leases.release(alice), "the old holder cannot release the new holder's lease");
        assertEquals(bob, leases.current(SCOPE).orElseThrow());
    }

    @Test
    void theScheduledRotatorAndACommandRunAreNamedSoThatTheNextHolderKnowsWhomItWaitsFor() {
        leases.acquire(SCOPE, LeaseHolders.scheduledRotator("exec-1f2e"), TTL);
        LeaseHeldException busy = assertThrows(LeaseHeldException.class,
                () -> leases.acquire(SCOPE, LeaseHolders.command("arn:aws:sts::123456789012:assumed-role/ops/alice"), TTL));
        assertTrue(busy.getMessage().contains("leased to scheduled rotator exec-1f2e since"), busy.getMessage());
        String command = LeaseHolders.command("arn:aws:sts::123456789012:assumed-role/ops/alice");
        assertTrue(command.startsWith("arn:aws:sts::123456789012:assumed-role/ops/alice on "), command);
        assertTrue(command.endsWith(" pid " + ProcessHandle.current().pid()), command);
    }

    @Test
    void releaseFreesTheLeaseAndTheTokenKeepsCountingAcrossReleases() {
        Lease first = leases.acquire(SCOPE, "alice", TTL);
        assertTrue(leases.release(first));
        assertFalse(item().containsKey("holder"));
        assertEquals("1", n(item(), "token"));
        Lease second = leases.acquire(SCOPE, "bob", TTL);
        assertEquals(2, second.token(), "a fencing token never goes back");
    }

    @Test
    void ofManyStartedAtOnceExactlyOneTakesTheLeaseAndTheOthersAreToldWhoHasIt() throws Exception {
        int runs = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        try {
            List<Future<Object>> outcomes = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                String holder = "run-" + i;
                outcomes.add(pool.submit(() -> {
                    start.await();
                    try {
                        return leases.acquire(SCOPE, holder, TTL);
                    } catch (LeaseHeldException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            List<Lease> won = new ArrayList<>();
            List<LeaseHeldException> busy = new ArrayList<>();
            for (Future<Object> outcome : outcomes) {
                Object result = outcome.get();
                if (result instanceof Lease lease) {
                    won.add(lease);
                } else {
                    busy.add((LeaseHeldException) result);
                }
            }
            assertEquals(1, won.size(), "one winner");
            assertEquals(runs - 1, busy.size());
            busy.forEach(e -> assertEquals(won.get(0).holder(), e.lease().holder()));
            assertEquals(Map.of("S", won.get(0).holder()), item().get("holder"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aThrottledReadOrWriteIsRetriedByTheSdk() {
        aws.failNext("GetItem", 400, "ProvisionedThroughputExceededException");
        aws.failNext("PutItem", 400, "ProvisionedThroughputExceededException");
        Lease lease = leases.acquire(SCOPE, "alice", TTL);
        assertEquals(1, lease.token());
        assertEquals(2, aws.requests("PutItem").size());
    }

    @Test
    void aThrottlePastTheRetriesIsOneLineNamingDynamoDbAndTakesNothing() {
        try (DynamoDbClient once = FakeAwsCli.dynamoDb(aws, aws.region(), 1)) {
            aws.failNext("GetItem", 400, "ProvisionedThroughputExceededException");
            MtlsException e = assertThrows(MtlsException.class,
                    () -> new RotationLease(once, TABLE, clock).acquire(SCOPE, "alice", TTL));
            assertTrue(e.getMessage().startsWith("DynamoDB GetItem " + TABLE + " failed: ProvisionedThroughputExceededException"),
                    e.getMessage());
            assertTrue(aws.dynamoDb().item(TABLE, SCOPE.key()).isEmpty());
        }
    }

    @Test
    void aMissingTableSaysWhichTableAndWhere() {
        MtlsException e = assertThrows(MtlsException.class, () -> new RotationLease(dynamo, "no-such-table", clock)
                .acquire(SCOPE, "alice", TTL));
        assertTrue(e.getMessage().contains("no-such-table"), e.getMessage());
        assertTrue(e.getMessage().contains("ResourceNotFoundException"), e.getMessage());
    }
}
