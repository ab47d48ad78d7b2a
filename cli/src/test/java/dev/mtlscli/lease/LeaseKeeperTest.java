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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run's leases: all or none, confirmed before each change, lost after a takeover, released at the end. */
class LeaseKeeperTest {
    private static final String TABLE = "leases";
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final LeaseScope EAST = new LeaseScope(FakeAws.ACCOUNT_ID, "us-east-1", "mtls-service-1");
    private static final LeaseScope WEST = new LeaseScope(FakeAws.ACCOUNT_ID, "eu-west-1", "mtls-service-1");

    private FakeAws aws;
    private DynamoDbClient dynamo;
    private SettableClock clock;
    private RotationLease leases;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        aws.dynamoDb().createTable(TABLE, RotationLease.KEY);
        // one attempt per call: a throttle in these tests reaches the lease, as one past the SDK's retries would
        dynamo = FakeAwsCli.dynamoDb(aws, aws.region(), 1);
        clock = new SettableClock(Instant.parse("2026-12-07T10:00:00Z"));
        leases = new RotationLease(dynamo, TABLE, clock);
    }

    @AfterEach
    void stop() {
        dynamo.close();
        aws.close();
    }

    private LeaseKeeper hold(String holder, LeaseScope... scopes) {
        return LeaseKeeper.hold(leases, List.of(scopes), holder, TTL, clock, null);
    }

    @Test
    void everyScopeIsHeldAndReleasedAtTheEnd() {
        try (LeaseKeeper keeper = hold("alice", EAST, WEST)) {
            assertEquals(2, keeper.leases().size());
            assertEquals("alice", leases.current(EAST).orElseThrow().holder());
            assertEquals("alice", leases.current(WEST).orElseThrow().holder());
        }
        assertEquals(null, leases.current(EAST).orElseThrow().holder());
        assertEquals(null, leases.current(WEST).orElseThrow().holder());
    }

    @Test
    void whenOneScopeIsHeldNoneIsKept() {
        leases.acquire(EAST, "bob", TTL);
        LeaseHeldException busy = assertThrows(LeaseHeldException.class, () -> hold("alice", EAST, WEST));
        assertEquals("bob", busy.lease().holder());
        // taken in the order of their keys: eu-west-1 first, then us-east-1 was found held
        assertEquals(null, leases.current(WEST).orElseThrow().holder(), "the scope taken first was released");
        assertEquals("bob", leases.current(EAST).orElseThrow().holder());
    }

    @Test
    void confirmRenewsSoTheLeaseOutlivesItsFirstExpiry() {
        try (LeaseKeeper keeper = hold("alice", EAST)) {
            clock.advance(Duration.ofMinutes(4));
            keeper.confirm();
            clock.advance(Duration.ofMinutes(4));
            assertThrows(LeaseHeldException.class, () -> leases.acquire(EAST, "bob", TTL));
            assertEquals(clock.instant().minus(Duration.ofMinutes(4)).plus(TTL), keeper.leases().get(0).expires());
        }
    }

    @Test
    void afterATakeoverConfirmRefusesEveryLaterChangeAndCloseLeavesTheNewHolderAlone() {
        LeaseKeeper keeper = hold("alice", EAST);
        clock.advance(TTL.plusSeconds(1)); // alice stalled past her expiry
        leases.acquire(EAST, "bob", TTL);
        LeaseLostException lost = assertThrows(LeaseLostException.class, keeper::confirm);
        assertTrue(lost.getMessage().contains("now leased to bob"), lost.getMessage());
        assertSame(lost, assertThrows(LeaseLostException.class, keeper::confirm), "lost for good");
        assertSame(lost, keeper.lost());
        keeper.close();
        assertEquals("bob", leases.current(EAST).orElseThrow().holder());
    }

    @Test
    void aRunStoppedByASignalReleasesItsLeasesAndConfirmsNoMoreChanges() {
        LeaseKeeper keeper = hold("alice", EAST, WEST).releaseOnShutdown();
        keeper.shutDown(); // what the JVM's shutdown hook runs on SIGINT or SIGTERM
        assertEquals(null, leases.current(EAST).orElseThrow().holder());
        assertEquals(null, leases.current(WEST).orElseThrow().holder());
        LeaseLostException stopped = assertThrows(LeaseLostException.class, keeper::confirm);
        assertTrue(stopped.getMessage().contains("the run was stopped"), stopped.getMessage());
        keeper.close();
        assertEquals(2, leases.acquire(EAST, "bob", TTL).token(), "the next run takes it at once");
    }

    @Test
    void aThrottledRenewalLetsTheRunGoOnOnlyWhileTheLeaseStandsForMoreThanHalfItsLife() {
        try (LeaseKeeper keeper = hold("alice", EAST)) {
            clock.advance(Duration.ofMinutes(1));
            aws.failNext("UpdateItem", 400, "ProvisionedThroughputExceededException");
            keeper.confirm(); // 4 of 5 minutes left: go on

            clock.advance(Duration.ofMinutes(2));
            aws.failNext("UpdateItem", 400, "ProvisionedThroughputExceededException");
            MtlsException stop = assertThrows(MtlsException.class, keeper::confirm);
            assertTrue(stop.getMessage().contains("could not be renewed"), stop.getMessage());
            assertTrue(stop.getMessage().contains("ProvisionedThroughputExceededException"), stop.getMessage());
            assertFalse(stop instanceof LeaseLostException);

            keeper.confirm(); // DynamoDB answers again: renewed, the run goes on
            assertEquals(clock.instant().plus(TTL), keeper.leases().get(0).expires());
        }
    }
}
