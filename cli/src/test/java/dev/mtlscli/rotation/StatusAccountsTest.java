package dev.mtlscli.rotation;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `status` over accounts: the layers stay in the publishing account, granted to the
 * organization; the functions that use them run in member accounts, read through a role
 * assumed in each (STS AssumeRole), with one account whose role cannot be assumed.
 */
class StatusAccountsTest {
    private static final String HOME = FakeAws.ACCOUNT_ID;
    private static final String A = "222222222222";
    private static final String B = "333333333333";
    private static final String C = "444444444444";
    private static final String ROLE = "mtls-status";
    private static final String PATH_ROLE = "ops/mtls-status";
    private static final Pattern SAMPLE = Pattern.compile("([a-z_]+)\\{(.*)\\} (-?\\d+)");

    @TempDir
    static Path shared;

    private static FakeAws aws;

    @BeforeAll
    static void fleet() {
        FakeAwsCli.credentials();
        aws = FakeAws.startFleet(List.of("eu-west-1", "us-east-1"), List.of(A, B, C));
        aws.iam().createRole(A, ROLE, HOME);
        aws.iam().createRole(B, ROLE, HOME);
        aws.iam().createRole(A, PATH_ROLE, HOME);
        // C has no such role: it cannot be read
        Workspace ws = Workspace.create(shared.resolve("ws"), "ec-p256", "pkcs12", null);
        Cli.runOk("layer", "publish", "--workspace", ws.root().toString(), "--endpoint-url", aws.endpoint().toString(),
                "--regions", "eu-west-1,us-east-1", "--grant-org", FakeAws.ORGANIZATION_ID);
        String west = aws.lambda("eu-west-1").layerVersions("mtls-service-1").get(0).layerVersionArn();
        String east = aws.lambda("us-east-1").layerVersions("mtls-service-1").get(0).layerVersionArn();
        aws.lambda(HOME, "eu-west-1").createFunction("home-fn", "java17", List.of(west), Map.of());
        aws.lambda(A, "eu-west-1").createFunction("a-fn-1", "java17", List.of(west), Map.of());
        aws.lambda(A, "eu-west-1").createFunction("a-fn-2", "java17", List.of(west), Map.of());
        aws.lambda(B, "us-east-1").createFunction("b-fn", "java17", List.of(east), Map.of());
        aws.lambda(C, "us-east-1").createFunction("c-fn", "java17", List.of(east), Map.of());
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    private static Cli.Result status(String... extra) {
        List<String> args = new ArrayList<>(List.of("status", "--endpoint-url", aws.endpoint().toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void functionsOfOtherAccountsCountOnTheLayerVersionTheyUse() {
        Cli.Result result = status("--regions", "eu-west-1,us-east-1", "--accounts", A + "," + B, "--role-name", ROLE,
                "--output", "prometheus").assertExit(0, "status of two accounts");
        PrometheusText.check(result.out());

        Map<String, Long> byAccount = samples(result.out(), "mtls_layer_version_functions_by_account", "layer=\"mtls-service-1\"");
        assertEquals(Map.of("eu-west-1/" + HOME, 1L, "eu-west-1/" + A, 2L, "us-east-1/" + B, 1L), byAccount);
        assertEquals(Map.of("eu-west-1/" + HOME, 3L, "us-east-1/" + HOME, 1L),
                samples(result.out(), "mtls_layer_version_functions", "layer=\"mtls-service-1\""), "all accounts together, by region");
        assertTrue(result.out().contains("mtls_status_function_account_up{account=\"" + HOME + "\",region=\"eu-west-1\",function_account=\""
                + A + "\"} 1"), result.out());
    }

    @Test
    void theFleetTableBreaksTheFunctionsDownByTheAccountTheyRunIn() {
        Cli.Result result = status("--regions", "eu-west-1,us-east-1", "--accounts", A + "," + B, "--role-name", ROLE)
                .assertExit(0, "text");

        assertTrue(result.out().matches("(?s).*\\n  eu-west-1 +" + HOME + " +mtls-service-1 +1\\* +36[45] +ok +1\\n.*"), result.out());
        assertTrue(result.out().matches("(?s).*\\n  eu-west-1 +" + A + " +mtls-service-1 +1\\* +36[45] +ok +2\\n.*"), result.out());
        assertTrue(result.out().matches("(?s).*\\n  us-east-1 +" + B + " +mtls-service-1 +1\\* +36[45] +ok +1\\n.*"), result.out());
    }

    @Test
    void theOrganizationIncludesAnAccountWhoseRoleCannotBeAssumedAndTheRunSaysSo() {
        Cli.Result result = status("--region", "us-east-1", "--organization", "--role-name", ROLE);

        assertEquals(1, result.exitCode(), result.out() + result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("could not read the functions of " + C + " in us-east-1"), result.err());
        assertTrue(result.out().contains("functions counted in the layers' account and in " + A + ", " + B + ", " + C), result.out());
        assertTrue(result.out().contains("functions of account " + C + " NOT READ: "), result.out());
        assertTrue(result.out().contains("not authorized to perform: sts:AssumeRole"), result.out());
        assertTrue(result.out().contains("b-fn"), "the other accounts are read: " + result.out());
    }

    @Test
    void aRoleWithAnIamPathIsAssumedByItsArn() {
        Cli.Result result = status("--region", "eu-west-1", "--accounts", A, "--role-name", PATH_ROLE).assertExit(0, "role path");

        assertTrue(result.out().contains("a-fn-1") && result.out().contains("a-fn-2"), result.out());
        assertTrue(aws.requests().stream().anyMatch(request -> "AssumeRole".equals(request.operation())
                && request.body().contains("role%2F" + PATH_ROLE.replace("/", "%2F")) && request.succeeded()),
                "AssumeRole of arn:aws:iam::" + A + ":role/" + PATH_ROLE);
    }

    @Test
    void accountsNeedARoleName() {
        Cli.Result result = status("--region", "us-east-1", "--accounts", A);

        assertEquals(1, result.exitCode());
        assertTrue(result.err().contains("--accounts and --organization need --role-name"), result.err());
        Cli.Result badAccount = status("--region", "us-east-1", "--accounts", "12345", "--role-name", ROLE);
        assertEquals(1, badAccount.exitCode());
    }

    /** REGION/ACCOUNT (the function account where there is one) to value, for the samples of a metric with this label. */
    private static Map<String, Long> samples(String text, String metric, String label) {
        Map<String, Long> values = new java.util.TreeMap<>();
        for (String line : text.lines().toList()) {
            Matcher matcher = SAMPLE.matcher(line);
            if (!matcher.matches() || !matcher.group(1).equals(metric) || !matcher.group(2).contains(label)) {
                continue;
            }
            String labels = matcher.group(2);
            String region = value(labels, "region");
            String account = labels.contains("function_account=") ? value(labels, "function_account") : value(labels, "account");
            values.merge(region + "/" + account, Long.parseLong(matcher.group(3)), Long::sum);
        }
        return values;
    }

    private static String value(String labels, String name) {
        Matcher matcher = Pattern.compile("(?:^|,)" + name + "=\"([^\"]*)\"").matcher(labels);
        assertTrue(matcher.find(), name + " in " + labels);
        return matcher.group(1);
    }
}
