package dev.mtlscli.rotation;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeEventBridge;
import dev.mtlscli.fakeaws.FakeSsm;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 23 item 6: every release names its layer version in the well-known parameter
 * /mtls/&lt;service&gt;/latest-layer-version-arn and, with --release-event-bus, puts an event on
 * EventBridge, exactly once per version, and never announces what it could not finish.
 */
class ReleaseAnnouncementTest {
    private static final String RELEASE = "/mtls/service-1/latest-layer-version-arn";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;
    private FakeAws aws;
    private Fleet fleet;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        fleet = Fleet.create(temp, aws);
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private Optional<FakeSsm.ParameterVersion> release() {
        return aws.ssm().latest(RELEASE);
    }

    private Cli.Result publish(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("layer", "publish", "--workspace", fleet.ws.root().toString(),
                "--service", "service-1", "--grant-account", "111122223333"));
        args.addAll(List.of(extra));
        return FakeAwsCli.run(aws, args.toArray(String[]::new));
    }

    @Test
    void aPublishNamesItsVersionInTheReleaseParameterAsAPlainString() {
        FakeSsm.ParameterVersion parameter = release().orElseThrow();

        assertEquals(fleet.v1, parameter.value());
        assertFalse(parameter.secure(), "the release parameter is no secret, and consumers resolve it without kms:Decrypt");
        assertEquals(1, aws.ssm().history(RELEASE).size());
    }

    @Test
    void aRotationNamesTheNewVersionAndARerunWritesNothingMore() {
        fleet.rotate("--force").assertExit(0, "rotate");
        String v2 = fleet.versions().get(1).layerVersionArn();

        assertEquals(v2, release().orElseThrow().value());
        publish().assertExit(0, "publish of the same material");
        assertEquals(2, aws.ssm().history(RELEASE).size(), "one parameter version per release, none for a re-run");
    }

    @Test
    void theEventCarriesWhatAConsumerAccountNeedsToMove() throws Exception {
        fleet.rotate("--force").assertExit(0, "rotate");
        aws.ssm().put(RELEASE, fleet.v1, false); // as if the announcement of version 2 had not been made
        publish("--release-event-bus", "default").assertExit(0, "publish with a bus");

        List<FakeEventBridge.Event> events = aws.eventBridge().events();
        assertEquals(1, events.size());
        FakeEventBridge.Event event = events.get(0);
        String v2 = fleet.versions().get(1).layerVersionArn();
        assertEquals("mtls-cli", event.source());
        assertEquals("mTLS Layer Version Published", event.detailType());
        assertEquals(List.of(v2), event.resources());
        JsonNode detail = JSON.readTree(event.detail());
        assertEquals("service-1", detail.path("service").asText());
        assertEquals(v2, detail.path("layerVersionArn").asText());
        assertEquals(2, detail.path("layerVersion").asLong());
        assertEquals(FakeAws.ACCOUNT_ID, detail.path("account").asText());
        assertEquals(aws.region(), detail.path("region").asText());
        assertEquals(RELEASE, detail.path("releaseParameter").asText());
        assertTrue(Instant.parse(detail.path("certificateNotAfter").asText()).isAfter(Instant.now()));
        assertTrue(detail.path("certificateSha256").asText().matches("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){31}"), detail.toString());
        assertEquals(v2, release().orElseThrow().value());

        publish("--release-event-bus", "default").assertExit(0, "re-run");
        assertEquals(1, aws.eventBridge().events().size(), "an announced release is not announced twice");
    }

    @Test
    void anEventEventBridgeDidNotTakeLeavesTheReleaseUnannouncedUntilTheReRun() {
        fleet.rotate("--force").assertExit(0, "rotate");
        aws.ssm().put(RELEASE, fleet.v1, false);
        aws.eventBridge().failNextEntries(10);

        Cli.Result failed = publish("--release-event-bus", "default");

        assertEquals(1, failed.exitCode(), failed.err());
        assertEquals(1, failed.errLines().size(), failed.err());
        assertTrue(failed.err().startsWith("mtls-cli: "), failed.err());
        assertTrue(failed.err().contains("EventBridge did not take the event") && failed.err().contains("InternalFailure"), failed.err());
        assertEquals(fleet.v1, release().orElseThrow().value(), "the parameter is the record of an announcement: not written");

        aws.eventBridge().failNextEntries(0);
        publish("--release-event-bus", "default").assertExit(0, "re-run");
        assertEquals(1, aws.eventBridge().events().size());
        assertEquals(fleet.versions().get(1).layerVersionArn(), release().orElseThrow().value());
    }

    @Test
    void aRetryableEntryFailureIsRetried() {
        fleet.rotate("--force").assertExit(0, "rotate");
        aws.ssm().put(RELEASE, fleet.v1, false);
        aws.eventBridge().failNextEntries(2);

        publish("--release-event-bus", "default").assertExit(0, "publish");

        assertEquals(1, aws.eventBridge().events().size());
        assertEquals(3, aws.requests("PutEvents").size(), "two failed entries, then the one taken");
    }

    @Test
    void aBusThatDoesNotExistIsOneLine() {
        fleet.rotate("--force").assertExit(0, "rotate");
        aws.ssm().put(RELEASE, fleet.v1, false);

        Cli.Result failed = publish("--release-event-bus", "releases");

        assertEquals(1, failed.exitCode(), failed.err());
        assertEquals(1, failed.errLines().size(), failed.err());
        assertTrue(failed.err().contains("releases"), failed.err());
        assertEquals(fleet.v1, release().orElseThrow().value());
    }

    @Test
    void aBusNameWithEscapesIsRefusedBeforeAnyCall() {
        aws.clearRequests();

        Cli.Result refused = publish("--release-event-bus", "bus\u001b[2Jname");

        assertEquals(1, refused.errLines().size(), refused.err());
        assertTrue(refused.err().contains("invalid EventBridge bus"), refused.err());
        assertFalse(refused.err().contains("\u001b"), "the escape reaches the terminal: " + refused.err());
        assertTrue(aws.requests().isEmpty(), "no AWS call for a refused option");
    }

    @Test
    void aParameterOfAnotherTypeAtTheReleaseNameIsLeftAloneAndNamed() {
        fleet.rotate("--force").assertExit(0, "rotate");
        aws.ssm().put(RELEASE, "someone else's secret", true);

        Cli.Result failed = publish();

        assertEquals(1, failed.exitCode(), failed.err());
        assertTrue(failed.err().contains(RELEASE) && failed.err().contains("left alone"), failed.err());
        assertTrue(release().orElseThrow().secure());
    }

    @Test
    void aRotationWithABusAnnouncesItsNewVersion() {
        fleet.rotate("--force", "--release-event-bus", "default").assertExit(0, "rotate");

        String v2 = fleet.versions().get(1).layerVersionArn();
        assertEquals(List.of(List.of(v2)), aws.eventBridge().events().stream().map(FakeEventBridge.Event::resources).toList());
        assertEquals(v2, release().orElseThrow().value());
    }

    @Test
    void aDryRunListsTheAnnouncement() {
        Cli.Result plan = publish("--release-event-bus", "default", "--dry-run").assertExit(0, "dry run");

        assertTrue(plan.out().contains("PutEvents"), plan.out());
        assertTrue(plan.out().contains(RELEASE), plan.out());
    }
}
