package dev.mtlscli.aws;

import dev.mtlscli.MtlsException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limiter on a clock the test owns: sleeping advances it, so nothing here really waits. */
class ControlPlaneRateLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private static final String ACCOUNT = "222222222222";
    private static final String REGION = "eu-west-1";

    private final AtomicLong now = new AtomicLong(5 * SECOND);
    private final List<Long> sleeps = new ArrayList<>();

    private ControlPlaneRateLimiter limiter(LambdaRates rates) {
        return new ControlPlaneRateLimiter(rates, now::get, nanos -> {
            sleeps.add(nanos);
            now.addAndGet(nanos);
        });
    }

    /** The clock's time after each of n acquires in a row, as one caller sends its calls. */
    private List<Long> sendTimes(ControlPlaneRateLimiter limiter, int n, LambdaCallClass callClass) throws InterruptedException {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            limiter.acquire(ACCOUNT, REGION, callClass);
            times.add(now.get());
        }
        return times;
    }

    private static int mostInOneSecond(List<Long> times) {
        int most = 0;
        for (int first = 0; first < times.size(); first++) {
            int last = first;
            while (last + 1 < times.size() && times.get(last + 1) - times.get(first) <= SECOND) {
                last++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }

    @Test
    void theDefaultControlPlaneRateBurstsTwoThenPacesTenASecondAndNoSecondHoldsMoreThanTwelve() throws InterruptedException {
        List<Long> times = sendTimes(limiter(LambdaRates.DEFAULT), 202, LambdaCallClass.CONTROL_PLANE);
        assertEquals(200, sleeps.size(), "the first two go at once, every later one waits");
        assertTrue(sleeps.stream().allMatch(nanos -> nanos == SECOND / 10), "a steady 100 ms apart: " + sleeps.subList(0, 5));
        assertEquals(20 * SECOND, times.get(201) - times.get(0), "200 calls after the burst take 20 s at 10 per second");
        assertEquals(12, mostInOneSecond(times), "the burst and a second's rate, 3 under the quota of 15");
    }

    @Test
    void sharesThatCannotCountTogetherStayWithinTheQuotaAllAtOnce() throws InterruptedException {
        for (int shares : List.of(2, 4, 7)) {
            ControlPlaneRateLimiter share = ControlPlaneRateLimiter.share(LambdaRates.DEFAULT, shares, now::get, nanos -> now.addAndGet(nanos));
            int most = mostInOneSecond(sendTimes(share, 60, LambdaCallClass.CONTROL_PLANE));
            // each share starts full and at once as the others: their worst seconds add up
            assertTrue(shares * most <= LambdaCallClass.CONTROL_PLANE.quotaPerSecond(), shares + " shares of " + most + " calls");
            int mostGets = mostInOneSecond(sendTimes(share, 300, LambdaCallClass.GET_FUNCTION));
            assertTrue(shares * mostGets <= LambdaCallClass.GET_FUNCTION.quotaPerSecond(), shares + " shares of " + mostGets + " GetFunction");
        }
        ControlPlaneRateLimiter whole = ControlPlaneRateLimiter.share(LambdaRates.DEFAULT, 1, now::get, nanos -> now.addAndGet(nanos));
        assertEquals(12, mostInOneSecond(sendTimes(whole, 60, LambdaCallClass.CONTROL_PLANE)), "one share is the whole limiter");
    }

    @Test
    void getFunctionHasItsOwnBucketAtFiftyASecondUnderItsQuotaOfAHundred() throws InterruptedException {
        ControlPlaneRateLimiter limiter = limiter(LambdaRates.DEFAULT);
        sendTimes(limiter, 2, LambdaCallClass.CONTROL_PLANE);
        List<Long> reads = sendTimes(limiter, 225, LambdaCallClass.GET_FUNCTION);
        assertEquals(200, sleeps.size(), "a burst of 25, then one read every 20 ms");
        assertTrue(sleeps.stream().allMatch(nanos -> nanos == SECOND / 50));
        assertEquals(75, mostInOneSecond(reads));
    }

    @Test
    void invocationsAreNeverHeldBack() throws InterruptedException {
        sendTimes(limiter(LambdaRates.DEFAULT), 500, LambdaCallClass.INVOCATION);
        assertEquals(List.of(), sleeps);
    }

    @Test
    void eachAccountRegionHasItsOwnBuckets() throws InterruptedException {
        ControlPlaneRateLimiter limiter = limiter(LambdaRates.DEFAULT);
        for (int i = 0; i < 2; i++) {
            limiter.acquire(ACCOUNT, REGION, LambdaCallClass.CONTROL_PLANE);
            limiter.acquire(ACCOUNT, "us-east-1", LambdaCallClass.CONTROL_PLANE);
            limiter.acquire(null, REGION, LambdaCallClass.CONTROL_PLANE);
            limiter.acquire("333333333333", REGION, LambdaCallClass.CONTROL_PLANE);
        }
        assertEquals(List.of(), sleeps, "four account-regions, two calls each: every one within its own burst");
        limiter.acquire(ACCOUNT, REGION, LambdaCallClass.CONTROL_PLANE);
        assertEquals(List.of(SECOND / 10), sleeps);
    }

    @Test
    void callersThatFindTheBucketEmptyEachReserveTheNextTokenInTurn() throws InterruptedException {
        // callers that do not sleep on the shared clock: each is told its own turn, 100 ms apart
        List<Long> waits = new ArrayList<>();
        ControlPlaneRateLimiter limiter = new ControlPlaneRateLimiter(LambdaRates.DEFAULT, now::get, waits::add);
        for (int i = 0; i < 5; i++) {
            limiter.acquire(ACCOUNT, REGION, LambdaCallClass.CONTROL_PLANE);
        }
        assertEquals(List.of(SECOND / 10, 2 * SECOND / 10, 3 * SECOND / 10), waits);
    }

    @Test
    void anIdleBucketRefillsToItsBurstAndNoFurther() throws InterruptedException {
        ControlPlaneRateLimiter limiter = limiter(LambdaRates.DEFAULT);
        sendTimes(limiter, 20, LambdaCallClass.CONTROL_PLANE);
        sleeps.clear();
        now.addAndGet(3600 * SECOND);
        sendTimes(limiter, 2, LambdaCallClass.CONTROL_PLANE);
        assertEquals(List.of(), sleeps, "an hour idle gives back the burst of two");
        sendTimes(limiter, 1, LambdaCallClass.CONTROL_PLANE);
        assertEquals(List.of(SECOND / 10), sleeps, "and not more");
    }

    @Test
    void theHighestRateAllowedStillKeepsEverySecondWithinTheQuota() throws InterruptedException {
        List<Long> times = sendTimes(limiter(new LambdaRates(14, 99)), 100, LambdaCallClass.CONTROL_PLANE);
        assertEquals(15, mostInOneSecond(times), "a burst of one, then 14 a second");
        assertEquals(100, mostInOneSecond(sendTimes(limiter(new LambdaRates(14, 99)), 300, LambdaCallClass.GET_FUNCTION)));
    }

    @Test
    void zeroTurnsAClassOff() throws InterruptedException {
        ControlPlaneRateLimiter limiter = limiter(new LambdaRates(0, 0));
        sendTimes(limiter, 300, LambdaCallClass.CONTROL_PLANE);
        sendTimes(limiter, 300, LambdaCallClass.GET_FUNCTION);
        assertEquals(List.of(), sleeps);
    }

    @Test
    void anInterruptedWaitIsReportedAndItsTurnIsNotGivenBack() throws InterruptedException {
        List<Long> waits = new ArrayList<>();
        ControlPlaneRateLimiter limiter = new ControlPlaneRateLimiter(LambdaRates.DEFAULT, now::get, nanos -> {
            waits.add(nanos);
            throw new InterruptedException();
        });
        for (int i = 0; i < 2; i++) {
            limiter.acquire(ACCOUNT, REGION, LambdaCallClass.CONTROL_PLANE);
        }
        assertThrows(InterruptedException.class, () -> limiter.acquire(ACCOUNT, REGION, LambdaCallClass.CONTROL_PLANE));
        assertThrows(InterruptedException.class, () -> limiter.acquire(ACCOUNT, REGION, LambdaCallClass.CONTROL_PLANE));
        assertEquals(List.of(SECOND / 10, 2 * SECOND / 10), waits);
    }

    @Test
    void ratesAboveLambdasQuotaOrBelowZeroAreRefusedNamingTheOption() {
        MtlsException above = assertThrows(MtlsException.class, () -> new LambdaRates(15, 50));
        assertEquals("--lambda-rate must be between 0 (no client-side limit) and 14 calls per second, under Lambda's quota "
                + "of 15, not 15", above.getMessage());
        MtlsException negative = assertThrows(MtlsException.class, () -> new LambdaRates(10, -1));
        assertTrue(negative.getMessage().startsWith("--lambda-get-function-rate must be between 0"), negative.getMessage());
        assertThrows(MtlsException.class, () -> new LambdaRates(10, 100));
    }

    @Test
    void operationsAreClassedByLambdasQuotas() {
        assertEquals(LambdaCallClass.GET_FUNCTION, LambdaCallClass.of("GetFunction"));
        assertEquals(LambdaCallClass.GET_POLICY, LambdaCallClass.of("GetPolicy"));
        assertEquals(LambdaCallClass.INVOCATION, LambdaCallClass.of("Invoke"));
        for (String operation : List.of("UpdateFunctionConfiguration", "GetFunctionConfiguration", "ListFunctions",
                "PublishLayerVersion", "GetLayerVersion", "ListLayerVersions", "AddLayerVersionPermission", "ListTags")) {
            assertEquals(LambdaCallClass.CONTROL_PLANE, LambdaCallClass.of(operation), operation);
        }
    }
}
