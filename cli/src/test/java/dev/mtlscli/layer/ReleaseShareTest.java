package dev.mtlscli.layer;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeRam;
import dev.mtlscli.fakeaws.FakeSsm;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 23 item 6: `layer publish --share-release-parameter` makes the release parameter readable
 * by the granted accounts and organization through AWS RAM (the real SDK RamClient against the
 * fake), one share per service, topped up and never duplicated.
 */
class ReleaseShareTest {
    private static final String RELEASE = "/mtls/service-1/latest-layer-version-arn";
    private static final String MEMBER = "222233334444";
    private static final String OTHER = "333344445555";

    @TempDir
    static Path shared;
    private static Workspace ws;
    private FakeAws aws;

    @BeforeAll
    static void workspace() {
        ws = Workspace.create(shared.resolve("ws"), "ec-p256", "pkcs12", null);
    }

    @BeforeEach
    void start() {
        aws = FakeAws.startFleet(List.of("eu-west-1"), List.of(MEMBER, OTHER));
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private Cli.Result publish(String... extra) {
        List<String> args = new ArrayList<>(List.of("layer", "publish", "--workspace", ws.root().toString(), "--service", "service-1"));
        args.addAll(List.of(extra));
        return FakeAwsCli.run(aws, args.toArray(String[]::new));
    }

    private String parameterArn() {
        return "arn:aws:ssm:" + aws.region() + ":" + FakeAws.ACCOUNT_ID + ":parameter" + RELEASE;
    }

    @Test
    void theParameterIsSharedWithTheGrantedAccountsInTheAdvancedTierOnce() {
        publish("--grant-account", MEMBER, "--grant-account", FakeAws.ACCOUNT_ID, "--share-release-parameter").assertExit(0, "publish");

        List<FakeRam.Share> shares = aws.ram().shares();
        assertEquals(1, shares.size());
        assertEquals("mtls-cli-service-1-release", shares.get(0).name());
        assertEquals(List.of(parameterArn()), shares.get(0).resources());
        assertEquals(List.of(MEMBER), shares.get(0).principals(), "never the owner's own account");
        assertEquals(FakeSsm.ADVANCED, aws.ssm().tier(RELEASE));

        aws.clearRequests();
        publish("--grant-account", MEMBER, "--share-release-parameter").assertExit(0, "re-run");
        assertEquals(0, aws.requests("CreateResourceShare").size() + aws.requests("AssociateResourceShare").size());
        assertEquals(1, aws.ssm().history(RELEASE).size(), "the parameter is not written again");
    }

    @Test
    void aNewGranteeIsAddedToTheShareAndTheOrganizationIsSharedByItsArn() {
        publish("--grant-account", MEMBER, "--share-release-parameter").assertExit(0, "publish");

        publish("--grant-account", MEMBER, "--grant-account", OTHER, "--grant-org", FakeAws.ORGANIZATION_ID, "--share-release-parameter")
                .assertExit(0, "more grantees");

        FakeRam.Share share = aws.ram().shares().get(0);
        assertEquals(1, aws.ram().shares().size());
        assertEquals(3, share.principals().size(), share.principals().toString());
        assertTrue(share.principals().contains(OTHER));
        assertTrue(share.principals().stream().anyMatch(p -> p.matches("arn:aws:organizations::\\d{12}:organization/" + FakeAws.ORGANIZATION_ID)),
                share.principals().toString());
    }

    @Test
    void aParameterWrittenBeforeSharingIsMovedToTheAdvancedTierWithItsValue() {
        publish("--grant-account", MEMBER).assertExit(0, "publish without sharing");
        assertEquals(FakeSsm.STANDARD, aws.ssm().tier(RELEASE));
        String arn = aws.ssm().latest(RELEASE).orElseThrow().value();

        Cli.Result shared = publish("--grant-account", MEMBER, "--share-release-parameter").assertExit(0, "now shared");

        assertEquals(FakeSsm.ADVANCED, aws.ssm().tier(RELEASE));
        assertEquals(arn, aws.ssm().latest(RELEASE).orElseThrow().value());
        assertEquals(List.of(MEMBER), aws.ram().shares().get(0).principals());
        assertTrue(shared.out().contains("moved to the advanced tier"), shared.out());
    }

    @Test
    void nobodyToShareWithOrAnotherOrganizationIsRefusedInOneLine() {
        aws.clearRequests();
        Cli.Result nobody = publish("--share-release-parameter");
        assertEquals(1, nobody.exitCode(), nobody.err());
        assertEquals(1, nobody.errLines().size(), nobody.err());
        assertTrue(nobody.err().contains("name at least one"), nobody.err());
        assertTrue(aws.requests().isEmpty(), "refused before any call");

        Cli.Result other = publish("--grant-org", "o-someoneelse1", "--share-release-parameter");
        assertEquals(1, other.exitCode(), other.err());
        assertEquals(1, other.errLines().size(), other.err());
        assertTrue(other.err().contains("own organization"), other.err());
        assertTrue(aws.ram().shares().isEmpty());
    }

    @Test
    void aDryRunListsTheShare() {
        Cli.Result plan = publish("--grant-account", MEMBER, "--share-release-parameter", "--dry-run").assertExit(0, "dry run");

        assertTrue(plan.out().contains("CreateResourceShare"), plan.out());
        assertTrue(aws.ram().shares().isEmpty());
    }
}
