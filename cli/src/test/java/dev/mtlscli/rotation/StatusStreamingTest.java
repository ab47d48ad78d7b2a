package dev.mtlscli.rotation;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `status --regions` prints each region as soon as it is read: the fake holds every answer for
 * the second region until the test has seen the first region's block on stdout. A command that
 * printed only once every region was read would print nothing while held.
 */
class StatusStreamingTest {
    private static final String FIRST = "eu-west-1";
    private static final String SECOND = "us-east-1";
    /** Long enough for a loaded build machine to read one region; only a failing run waits it out. */
    private static final long FIRST_REGION_SECONDS = 20;

    @TempDir
    static Path shared;

    private static FakeAws aws;

    @BeforeAll
    static void publishInTwoRegions() {
        FakeAwsCli.credentials();
        aws = FakeAws.startRegions(FIRST, SECOND);
        Workspace ws = Workspace.create(shared.resolve("ws"), "ec-p256", "pkcs12", null);
        Cli.runOk("layer", "publish", "--workspace", ws.root().toString(), "--endpoint-url", aws.endpoint().toString(),
                "--regions", FIRST + "," + SECOND);
        for (String region : List.of(FIRST, SECOND)) {
            aws.lambda(region).createFunction(region + "-fn", "java17",
                    List.of(aws.lambda(region).layerVersions("mtls-service-1").get(0).layerVersionArn()), Map.of());
        }
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void theTextOfTheFirstRegionIsPrintedBeforeTheSecondRegionAnswers() throws Exception {
        Streamed run = statusWithSecondRegionHeld("OK: no layer version in use expires within", "--output", "text");

        assertTrue(run.before().startsWith("== " + FIRST + " (account " + FakeAws.ACCOUNT_ID + ")\n"), run.before());
        assertTrue(run.before().contains(FIRST + "-fn"), run.before());
        assertFalse(run.before().contains(SECOND), run.before());
        assertEquals(0, run.exitCode(), run.out());
        assertTrue(run.out().startsWith(run.before()), "the rest follows what was printed: " + run.out());
        assertTrue(run.out().indexOf("== " + SECOND) > run.out().indexOf("== " + FIRST), run.out());
        assertTrue(run.out().contains(SECOND + "-fn") && run.out().contains("FLEET"), run.out());
    }

    @Test
    void theJsonOfTheFirstRegionIsPrintedBeforeTheSecondRegionAnswersAndTheWholeIsOneDocument() throws Exception {
        Streamed run = statusWithSecondRegionHeld("\"region\" : \"" + FIRST + "\"", "--output", "json");

        assertTrue(run.before().contains(FIRST + "-fn") && run.before().contains("\"attention\""), run.before());
        assertFalse(run.before().contains(SECOND), run.before());
        assertEquals(0, run.exitCode(), run.out());
        JsonNode json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(run.out());
        assertEquals(2, json.path("regions").size(), run.out());
        assertEquals(FIRST, json.path("regions").get(0).path("region").asText());
        assertEquals(SECOND, json.path("regions").get(1).path("region").asText());
        assertEquals(FakeAws.ACCOUNT_ID, json.path("regions").get(1).path("account").asText());
        assertEquals(0, json.path("failedRegions").size());
        assertFalse(json.path("needsAttention").asBoolean(true));
    }

    /** What a run printed while the second region was held, the answers the fake gave that region by then, and the whole run. */
    private record Streamed(String before, int exitCode, String out) {
    }

    private static Streamed statusWithSecondRegionHeld(String endOfFirstRegion, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("status", "--endpoint-url", aws.endpoint().toString(),
                "--regions", FIRST + "," + SECOND));
        args.addAll(List.of(extra));
        CountDownLatch release = new CountDownLatch(1);
        aws.holdRegion(SECOND, release);
        aws.clearRequests();
        Watched out = new Watched(endOfFirstRegion);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> Cli.run(out, new StringWriter(), args.toArray(String[]::new)));
        String before;
        List<RecordedRequest> secondAnswered;
        try {
            boolean printed = out.seen.await(FIRST_REGION_SECONDS, TimeUnit.SECONDS);
            before = out.text();
            secondAnswered = aws.requests().stream().filter(request -> signedFor(request, SECOND)).toList();
            assertTrue(printed, "nothing of " + FIRST + " printed while " + SECOND + " was held: '" + before + "'");
        } finally {
            release.countDown();
        }
        assertEquals(List.of(), secondAnswered, "answers for " + SECOND + " before " + FIRST + " was printed");
        assertTrue(aws.requests().stream().anyMatch(request -> signedFor(request, FIRST)), "the run read " + FIRST);
        return new Streamed(before, exit.get(60, TimeUnit.SECONDS), out.text());
    }

    private static boolean signedFor(RecordedRequest request, String region) {
        String authorization = request.header("authorization");
        return authorization != null && authorization.contains("/" + region + "/");
    }

    /** Stdout as the command prints it; {@link #seen} opens once it holds the marker. */
    private static final class Watched extends Writer {
        private final StringBuilder text = new StringBuilder();
        private final String marker;
        final CountDownLatch seen = new CountDownLatch(1);

        Watched(String marker) {
            this.marker = marker;
        }

        @Override
        public synchronized void write(char[] chars, int offset, int length) {
            text.append(chars, offset, length);
            if (text.indexOf(marker) >= 0) {
                seen.countDown();
            }
        }

        synchronized String text() {
            return text.toString();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
