package dev.mtlscli.rotation;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.PrometheusText;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `status --organization` over 250 member accounts, its stderr captured (not a terminal): a
 * progress line after each 100 accounts, and stdout still valid in each format. Functions in
 * the 150th and the last account show that the accounts after each line were read too.
 */
class StatusProgressTest {
    private static final String HOME = FakeAws.ACCOUNT_ID;
    private static final String REGION = "eu-west-1";
    private static final String ROLE = "mtls-status";
    private static final int MEMBERS = 250;
    private static final List<String> PROGRESS = List.of(
            "status: 100 of 250 accounts read in " + REGION,
            "status: 200 of 250 accounts read in " + REGION);

    @TempDir
    static Path shared;

    private static FakeAws aws;
    private static final List<String> members = new ArrayList<>();

    @BeforeAll
    static void organizationOf250Accounts() {
        FakeAwsCli.credentials();
        for (int i = 1; i <= MEMBERS; i++) {
            members.add(String.format("%012d", 300_000_000_000L + i));
        }
        aws = FakeAws.startFleet(List.of(REGION), members);
        members.forEach(account -> aws.iam().createRole(account, ROLE, HOME));
        Workspace ws = Workspace.create(shared.resolve("ws"), "ec-p256", "pkcs12", null);
        Cli.runOk("layer", "publish", "--workspace", ws.root().toString(), "--endpoint-url", aws.endpoint().toString(),
                "--region", REGION, "--grant-org", FakeAws.ORGANIZATION_ID);
        String version = aws.lambda(REGION).layerVersions("mtls-service-1").get(0).layerVersionArn();
        aws.lambda(HOME, REGION).createFunction("home-fn", "java17", List.of(version), Map.of());
        aws.lambda(members.get(149), REGION).createFunction("fn-150", "java17", List.of(version), Map.of());
        aws.lambda(members.get(MEMBERS - 1), REGION).createFunction("fn-250", "java17", List.of(version), Map.of());
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    private static Cli.Result status(String output) {
        return Cli.run("status", "--endpoint-url", aws.endpoint().toString(), "--region", REGION,
                "--organization", "--role-name", ROLE, "--output", output);
    }

    @Test
    void textHasAProgressLineOnStderrEvery100Accounts() {
        Cli.Result result = status("text").assertExit(0, "status of 250 accounts");

        assertEquals(PROGRESS, result.errLines());
        assertTrue(result.out().startsWith("== " + REGION + " (account " + HOME + ")\n"), result.out());
        assertTrue(result.out().matches("(?s).*\\n  " + REGION + " +" + members.get(149) + " +mtls-service-1 +1\\* +36[45] +ok +1\\n.*"),
                result.out());
        assertTrue(result.out().matches("(?s).*\\n  " + REGION + " +" + members.get(MEMBERS - 1) + " +mtls-service-1 +1\\* +36[45] +ok +1\\n.*"),
                result.out());
        assertTrue(result.out().endsWith("OK: nothing in use needs attention.\n"), result.out());
    }

    @Test
    void jsonHasTheSameProgressOnStderrAndOneDocumentOnStdout() throws Exception {
        Cli.Result result = status("json").assertExit(0, "status of 250 accounts, json");

        assertEquals(PROGRESS, result.errLines());
        JsonNode json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(result.out());
        assertEquals(1, json.path("regions").size(), result.out());
        JsonNode region = json.path("regions").get(0);
        assertEquals(MEMBERS, region.path("consumerAccounts").size());
        assertEquals(0, region.path("failedAccounts").size());
        assertEquals(3, region.path("layers").get(0).path("versions").get(0).path("functionCount").asInt(), result.out());
        assertTrue(json.path("needsAttention").isBoolean() && !json.path("needsAttention").asBoolean(), result.out());
    }

    @Test
    void prometheusHasTheSameProgressOnStderrAndValidMetricsOnStdout() {
        Cli.Result result = status("prometheus").assertExit(0, "status of 250 accounts, prometheus");

        assertEquals(PROGRESS, result.errLines());
        Map<String, List<PrometheusText.Sample>> families = PrometheusText.check(result.out());
        assertEquals(MEMBERS, families.get("mtls_status_function_account_up").size(), result.out());
    }
}
