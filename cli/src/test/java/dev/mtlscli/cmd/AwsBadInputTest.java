package dev.mtlscli.cmd;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Bad input to the commands that call AWS: one line on stderr, a non-zero exit, no AWS call
 * made (the fake records none) and nothing written.
 */
class AwsBadInputTest {
    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static Workspace ws;

    @BeforeAll
    static void start() {
        aws = FakeAws.start();
        ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    static Stream<Arguments> badPublishInputs() {
        return Stream.of(
                Arguments.of(List.of("--layer-name", "my layer!"), "invalid layer name 'my layer!'"),
                Arguments.of(List.of("--layer-name", "x".repeat(141)), "invalid layer name"),
                Arguments.of(List.of("--layer-name", "one-layer"), "include {service}"),
                Arguments.of(List.of("--region", "xx-nowhere-9"), "unknown AWS region 'xx-nowhere-9'"),
                Arguments.of(List.of("--region", "not a region"), "is not an AWS region id"),
                Arguments.of(List.of("--grant-account", "12345"), "invalid AWS account id '12345'"),
                Arguments.of(List.of("--grant-org", "org-123"), "invalid AWS Organizations id 'org-123'"),
                Arguments.of(List.of("--grant-account", "*"), "--allow-public"),
                Arguments.of(List.of("--kms-key-id", "my key"), "invalid KMS key 'my key'"),
                Arguments.of(List.of("--compatible-runtime", "java99"), "unknown Lambda runtime 'java99'"),
                Arguments.of(List.of("--architecture", "sparc"), "unknown architecture 'sparc'"),
                Arguments.of(List.of("--parameter-prefix", "mtls/{service}"), "invalid SSM parameter prefix"),
                Arguments.of(List.of("--parameter-prefix", "/aws/{service}/"), "may not begin with aws"),
                Arguments.of(List.of("--parameter-prefix", "/mtls/shared/"), "include {service}"),
                Arguments.of(List.of("--service", "service-9"), "service 'service-9' is not in workspace"),
                Arguments.of(List.of("--renew-before", "400"), "within 400 days"),
                Arguments.of(List.of("--endpoint-url", "ftp://example.com"), "is not an http(s) URL"),
                Arguments.of(List.of("--profile", "no-such-profile-mtls-cli"), "AWS profile 'no-such-profile-mtls-cli' gives no credentials"),
                Arguments.of(List.of("--workspace", "/nonexistent/mtls-ws"), "does not exist"));
    }

    @ParameterizedTest
    @MethodSource("badPublishInputs")
    void layerPublishRefusesBeforeAnyCall(List<String> extra, String expected) {
        aws.clearRequests();
        List<String> args = new ArrayList<>(List.of("layer", "publish"));
        if (!extra.contains("--workspace")) {
            args.addAll(List.of("--workspace", ws.root().toString()));
        }
        args.addAll(extra);

        BadInputCli.assertOneLineFailure(BadInputCli.run(FakeAwsCli.args(aws, args.toArray(String[]::new))), 1, expected);

        assertEquals(List.of(), aws.requests(), "no AWS call may be made for bad input");
    }

    static Stream<Arguments> badAcmPcaInputs() {
        return Stream.of(
                Arguments.of(List.of("--ca", "acm-pca"), "needs --ca-arn"),
                Arguments.of(List.of("--ca", "acm-pca", "--ca-arn", "arn:aws:acm-pca:us-east-1:123:certificate-authority/x"),
                        "invalid ACM Private CA ARN"),
                Arguments.of(List.of("--ca", "acm-pca", "--ca-arn",
                        "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555"),
                        "is in eu-west-1, not in --region us-east-1"),
                Arguments.of(List.of("--ca", "acm-pca", "--ca-validity", "100", "--ca-arn",
                        "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555"),
                        "--ca-validity does not apply"),
                Arguments.of(List.of("--ca", "vault"), "unknown --ca 'vault'"),
                Arguments.of(List.of("--ca-arn",
                        "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555"),
                        "--ca-arn needs --ca acm-pca"));
    }

    @ParameterizedTest
    @MethodSource("badAcmPcaInputs")
    void certsCreateWithAcmPcaRefusesBeforeAnyCall(List<String> extra, String expected) {
        aws.clearRequests();
        Path out = temp.resolve("pca-out-" + Math.abs(extra.hashCode()));
        List<String> args = new ArrayList<>(List.of("certs", "create", "--out", out.toString()));
        args.addAll(extra);

        BadInputCli.assertOneLineFailure(BadInputCli.run(FakeAwsCli.args(aws, args.toArray(String[]::new))), 1, expected);

        assertEquals(List.of(), aws.requests(), "no AWS call may be made for bad input");
        assertFalse(Files.exists(out), "nothing may be written");
    }
}
