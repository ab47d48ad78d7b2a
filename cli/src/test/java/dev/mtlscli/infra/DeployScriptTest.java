package dev.mtlscli.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Checkout;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * infra/deploy-demo.sh and infra/destroy-demo.sh, offline: their syntax, their --help, and the
 * whole flow against stand-ins. The scripts are copied into a repository of the test whose
 * ./mtls-cli is a stub, with stubs of aws, npx, mvn and docker first on the PATH; every stub
 * records its arguments. The stub mtls-cli hands out a real workspace and the real output of
 * `layer publish --output json` for it, so the scripts read what the command prints; the real
 * node (or jq) reads that JSON, as on a user's machine.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeployScriptTest {
    private static final Path INFRA = Checkout.ROOT.resolve("infra");
    private static final List<String> SCRIPTS = List.of("deploy-demo.sh", "destroy-demo.sh");

    @TempDir
    Path temp;

    @TempDir
    static Path shared;

    /** A real workspace of the demo set, which the stub's `certs create` copies. */
    private static Workspace workspace;
    /** What the real `layer publish --output json` printed for it (against a fake AWS): the stub prints it. */
    private static Path published;
    private static String layer1;
    private static String layer2;

    @BeforeAll
    static void publishARealWorkspace() throws IOException {
        workspace = Workspace.create(shared.resolve("workspace"), "ec-p256", "pkcs12", null);
        try (FakeAws aws = FakeAws.start()) {
            Cli.Result result = FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", workspace.root().toString(),
                    "--service", "service-1", "--service", "service-2", "--output", "json");
            published = Files.writeString(shared.resolve("layer-publish.json"), result.out());
        }
        JsonNode layers = new ObjectMapper().readTree(published.toFile()).path("layers");
        layer1 = layers.path(0).path("layerVersionArn").asText();
        layer2 = layers.path(1).path("layerVersionArn").asText();
        assertTrue(layer1.endsWith(":layer:mtls-service-1:1") && layer2.endsWith(":layer:mtls-service-2:1"), layers::toString);
    }

    private static String keyStorePassword1() {
        return workspace.password(workspace.keyStore("service-1"));
    }

    private static String trustStorePassword() {
        return workspace.password(workspace.trustStore("service-1"));
    }

    /** A call to a stub: the tool's name, its working directory, its arguments. */
    record Call(String tool, String cwd, List<String> args) {
        boolean is(String tool, String... firstArgs) {
            return this.tool.equals(tool) && args.size() >= firstArgs.length
                    && args.subList(0, firstArgs.length).equals(List.of(firstArgs));
        }

        /** The value after an option, e.g. --name. */
        String option(String name) {
            int index = args.indexOf(name);
            assertTrue(index >= 0 && index + 1 < args.size(), () -> "no " + name + " in " + this);
            return args.get(index + 1);
        }

        /** The values of -c KEY=VALUE. */
        List<String> context() {
            List<String> values = new ArrayList<>();
            for (int i = 0; i + 1 < args.size(); i++) {
                if (args.get(i).equals("-c")) {
                    values.add(args.get(i + 1));
                }
            }
            return values;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"deploy-demo.sh", "destroy-demo.sh"})
    void theScriptsParse(String script) {
        Tool.Result result = Tool.of(Tool.require("bash").toString(), "-n", INFRA.resolve(script).toString()).run();

        assertEquals(0, result.exitCode(), result::describe);
        assertTrue(Files.isExecutable(INFRA.resolve(script)), script + " is not executable");
        assertTrue(read(INFRA.resolve(script)).startsWith("#!/usr/bin/env bash\n"), script);
        assertTrue(read(INFRA.resolve(script)).contains("\nset -euo pipefail\n"), script);
    }

    @ParameterizedTest
    @CsvSource({
            "deploy-demo.sh, --help",
            "deploy-demo.sh, -h",
            "deploy-demo.sh, --region eu-west-1 --help",
            "destroy-demo.sh, --help",
            "destroy-demo.sh, -h",
            "destroy-demo.sh, --delete-layers-and-parameters --help"})
    void helpPrintsTheUsageAndCallsNothing(String script, String args) {
        Path repo = fakeRepo(true);

        Tool.Result result = run(repo, script, args.split(" "));

        assertEquals(0, result.exitCode(), result::describe);
        assertTrue(result.out().startsWith("Usage: infra/" + script + " [OPTIONS]\n"), result::describe);
        assertTrue(result.out().contains("--region REGION"), result::describe);
        assertEquals("", result.err(), result::describe);
        assertEquals(List.of(), calls(repo), "--help called something");
        assertFalse(Files.exists(repo.resolve("demo-certs")), "--help created the workspace");
    }

    @ParameterizedTest
    @ValueSource(strings = {"deploy-demo.sh", "destroy-demo.sh"})
    void anUnknownOptionIsAUsageError(String script) {
        Path repo = fakeRepo(true);

        Tool.Result result = run(repo, script, "--regoin", "eu-west-1");

        assertEquals(2, result.exitCode(), result::describe);
        assertTrue(result.err().contains("unknown option --regoin"), result::describe);
        assertEquals(List.of(), calls(repo));
    }

    @Test
    void deployRunsTheWholeFlowWithNothingSecretOnACommandLine() throws IOException {
        Path repo = fakeRepo(false);
        Path workspace = repo.resolve("demo-certs");

        Tool.Result result = run(repo, "deploy-demo.sh", "--region", "eu-west-1", "--architecture", "arm64");

        assertEquals(0, result.exitCode(), result::describe);
        assertTrue(calls(repo).get(0).is("docker", "info"), "the Docker daemon is checked before anything else");
        List<Call> calls = calls(repo).stream().filter(call -> !call.tool().equals("docker")).toList();
        List<String> order = calls.stream().map(call -> call.tool() + " " + call.args().get(0) + " " + call.args().get(1)).toList();
        assertEquals(List.of(
                "mtls-cli certs create",
                "mtls-cli layer publish",
                "aws ssm put-parameter", "aws ssm put-parameter", "aws ssm put-parameter",
                "aws ssm put-parameter", "aws ssm put-parameter", "aws ssm put-parameter",
                "aws secretsmanager describe-secret",
                "aws secretsmanager create-secret",
                "npx --yes aws-cdk@2"), order, result::describe);

        assertEquals(List.of("certs", "create", "--out", workspace.toString()), calls.get(0).args());
        assertEquals(List.of("layer", "publish", "--workspace", workspace.toString(), "--service", "service-1", "--service", "service-2",
                        "--output", "json", "--region", "eu-west-1"),
                calls.get(1).args());

        List<String> expectedParameters = new ArrayList<>();
        for (String service : List.of("service-1", "service-2")) {
            for (String[] file : new String[][] {{"server-chain", "server-chain.crt"}, {"server-key", "server.key"},
                    {"client-ca", "client-ca.crt"}}) {
                expectedParameters.add("/mtls-demo/" + service + "/" + file[0] + " file://" + workspace.resolve("servers/" + service + "/" + file[1]));
            }
        }
        List<Call> puts = calls.stream().filter(call -> call.is("aws", "ssm", "put-parameter")).toList();
        assertEquals(expectedParameters, puts.stream().map(call -> call.option("--name") + " " + call.option("--value")).toList());
        for (Call put : puts) {
            assertEquals("SecureString", put.option("--type"), put::toString);
            assertTrue(put.args().contains("--overwrite"), put::toString);
            assertEquals("eu-west-1", put.option("--region"), put::toString);
        }

        Call secret = calls.get(9);
        assertEquals("mtls-demo/service-1-store-passwords", secret.option("--name"));
        assertTrue(secret.option("--secret-string").startsWith("file://"), secret::toString);
        JsonNode secretString = new ObjectMapper().readTree(repo.resolve("stub/secret-string.json").toFile());
        assertEquals(keyStorePassword1(), secretString.path("keystorePassword").asText());
        assertEquals(trustStorePassword(), secretString.path("truststorePassword").asText());
        assertEquals("600", read(repo.resolve("stub/secret-string.mode")).strip(), "the passwords' file must be 0600");
        assertFalse(Files.exists(Path.of(secret.option("--secret-string").substring("file://".length()))),
                "the passwords' file is left behind");

        Call cdk = calls.get(10);
        assertEquals(repo.resolve("infra").toString(), cdk.cwd());
        assertEquals(List.of("--yes", "aws-cdk@2", "deploy", "--all", "--require-approval", "never", "--no-notices"),
                cdk.args().subList(0, 7));
        assertEquals(List.of(
                        "architecture=arm64",
                        "backendArchitecture=arm64",
                        "workspace=" + workspace,
                        "storePasswordsSecret=mtls-demo/service-1-store-passwords",
                        "layerArnService1=" + layer1,
                        "parametersService1=/mtls/service-1/keystore-password:1,/mtls/service-1/truststore-password:1",
                        "layerArnService2=" + layer2,
                        "parametersService2=/mtls/service-2/keystore-password:1,/mtls/service-2/truststore-password:1"),
                cdk.context());
        assertEquals(workspace.resolve("aws-demo/cdk-outputs.json").toString(), cdk.option("--outputs-file"));
        assertEquals("CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true AWS_REGION=eu-west-1",
                read(repo.resolve("stub/npx.env")).strip());

        assertTrue(result.out().contains("curl -i https://abc123.execute-api.eu-west-1.amazonaws.com/prod/lambda-parameter-store"),
                result::describe);
        for (Call call : calls) {
            for (String arg : call.args()) {
                assertFalse(arg.contains("PRIVATE KEY") || arg.contains("BEGIN CERTIFICATE")
                        || arg.contains(keyStorePassword1()) || arg.contains(trustStorePassword()), "a secret on the command line: " + call);
            }
        }

        // again: the workspace exists, the secret too
        Tool.Result again = run(repo, "deploy-demo.sh", "--region", "eu-west-1", "--architecture", "arm64");

        assertEquals(0, again.exitCode(), again::describe);
        List<Call> second = calls(repo).subList(calls.size(), calls(repo).size());
        assertFalse(second.stream().anyMatch(call -> call.is("mtls-cli", "certs", "create")), "created the workspace again");
        assertTrue(second.stream().anyMatch(call -> call.is("aws", "secretsmanager", "put-secret-value")), second::toString);
        assertTrue(again.out().contains("using the workspace " + workspace), again::describe);
        assertEquals(List.of(layer1, layer2), Files.readAllLines(workspace.resolve("aws-demo/layer-versions.txt")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(workspace.resolve("aws-demo"))));
    }

    @Test
    void theExtensionLayerArnIsPassedToTheCdkAppAsContext() throws IOException {
        Path repo = fakeRepo(false);
        String extension = "arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12";

        Tool.Result result = run(repo, "deploy-demo.sh", "--region", "eu-west-1", "--architecture", "arm64",
                "--extension-layer-arn", extension);

        assertEquals(0, result.exitCode(), result::describe);
        Call cdk = calls(repo).stream().filter(call -> call.tool().equals("npx")).findFirst().orElseThrow();
        assertTrue(cdk.context().contains("paramsSecretsExtensionLayerArn=" + extension), cdk::toString);
    }

    @Test
    void destroyDeletesTheStackByNameInTheRegionOfTheDeploymentAndOnRequestTheLayersAndParameters() {
        Path repo = fakeRepo(false);
        Tool.Result deployed = run(repo, "deploy-demo.sh", "--region", "eu-west-1", "--architecture", "x86_64");
        assertEquals(0, deployed.exitCode(), deployed::describe);
        int before = calls(repo).size();

        Tool.Result stackOnly = run(repo, "destroy-demo.sh");

        assertEquals(0, stackOnly.exitCode(), stackOnly::describe);
        List<Call> calls = calls(repo).subList(before, calls(repo).size());
        assertEquals(3, calls.size(), calls::toString);
        assertTrue(calls.get(0).is("aws", "cloudformation", "describe-stacks"), calls::toString);
        assertTrue(calls.get(1).is("aws", "cloudformation", "delete-stack"), calls::toString);
        assertEquals("MtlsDemoStack", calls.get(1).option("--stack-name"));
        assertTrue(calls.get(2).is("aws", "cloudformation", "wait", "stack-delete-complete"), calls::toString);
        calls.forEach(call -> assertEquals("eu-west-1", call.option("--region"), "not the region of the deployment: " + call));

        before = calls(repo).size();
        Tool.Result everything = run(repo, "destroy-demo.sh", "--delete-layers-and-parameters");

        assertEquals(0, everything.exitCode(), everything::describe);
        calls = calls(repo).subList(before, calls(repo).size());
        assertTrue(calls.get(1).is("aws", "cloudformation", "delete-stack"), calls::toString);
        List<String> deletedLayers = calls.stream().filter(call -> call.is("aws", "lambda", "delete-layer-version"))
                .map(call -> call.option("--layer-name") + ":" + call.option("--version-number")).toList();
        assertEquals(List.of(layer1, layer2), deletedLayers);
        List<String> deletedParameters = calls.stream().filter(call -> call.is("aws", "ssm", "delete-parameters"))
                .flatMap(call -> call.args().subList(call.args().indexOf("--names") + 1, call.args().indexOf("--query")).stream())
                .sorted().toList();
        List<String> expected = new ArrayList<>();
        for (String service : List.of("service-1", "service-2")) {
            expected.addAll(List.of("/mtls/" + service + "/keystore-password", "/mtls/" + service + "/truststore-password",
                    "/mtls-demo/" + service + "/server-chain", "/mtls-demo/" + service + "/server-key",
                    "/mtls-demo/" + service + "/client-ca"));
        }
        assertEquals(expected.stream().sorted().toList(), deletedParameters);
        Call secret = calls.stream().filter(call -> call.is("aws", "secretsmanager", "delete-secret")).findFirst().orElseThrow();
        assertEquals("mtls-demo/service-1-store-passwords", secret.option("--secret-id"));
        assertTrue(secret.args().contains("--force-delete-without-recovery"), secret::toString);
        calls.stream().filter(call -> call.tool().equals("aws"))
                .forEach(call -> assertEquals("eu-west-1", call.option("--region"), call::toString));
    }

    @Test
    void destroyWorksFromAFreshCloneWithOnlyTheStateFile() throws IOException {
        Path repo = fakeRepo(false);
        assertEquals(0, run(repo, "deploy-demo.sh", "--region", "eu-west-1").exitCode());
        // mvn clean, and the workspace's stores gone: only aws-demo/aws.env is left
        Files.delete(repo.resolve("cli/target/mtls-cli.jar"));
        Files.delete(repo.resolve("demo-function/target/mtls-demo-function.jar"));
        Path demoCerts = repo.resolve("demo-certs");
        try (var paths = Files.walk(demoCerts)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!path.equals(demoCerts) && !path.equals(demoCerts.resolve("aws-demo")) && !path.endsWith("aws.env")) {
                    Files.delete(path);
                }
            }
        }
        Files.deleteIfExists(repo.resolve("stub/bin/npx"));
        int before = calls(repo).size();

        Tool.Result destroyed = run(repo, "destroy-demo.sh");

        assertEquals(0, destroyed.exitCode(), destroyed::describe);
        List<Call> calls = calls(repo).subList(before, calls(repo).size());
        assertTrue(calls.stream().anyMatch(call -> call.is("aws", "cloudformation", "delete-stack")
                && "eu-west-1".equals(call.option("--region"))), calls::toString);
        assertTrue(calls.stream().noneMatch(call -> call.tool().equals("npx") || call.tool().equals("mvn")), calls::toString);
    }

    @Test
    void destroyOfAStackThatDoesNotExistSucceeds() throws IOException {
        Path repo = fakeRepo(false);
        Files.writeString(repo.resolve("stub/no-stack"), "");

        Tool.Result destroyed = run(repo, "destroy-demo.sh", "--region", "eu-west-1");

        assertEquals(0, destroyed.exitCode(), destroyed::describe);
        assertTrue(destroyed.out().contains("does not exist"), destroyed::describe);
        assertTrue(calls(repo).stream().noneMatch(call -> call.is("aws", "cloudformation", "delete-stack")), calls(repo)::toString);
    }

    @Test
    void deployWithoutARunningDockerDaemonWritesNothingToAws() throws IOException {
        Path repo = fakeRepo(false);
        Files.writeString(repo.resolve("stub/no-docker"), "");

        Tool.Result deployed = run(repo, "deploy-demo.sh", "--region", "eu-west-1");

        assertEquals(1, deployed.exitCode(), deployed::describe);
        assertEquals(1, deployed.err().lines().count(), deployed::describe);
        assertTrue(deployed.err().contains("Docker daemon is not running"), deployed::describe);
        assertTrue(calls(repo).stream().noneMatch(call -> call.tool().equals("aws") || call.tool().equals("mtls-cli")
                || call.tool().equals("npx")), calls(repo)::toString);
    }

    @Test
    void cdkOutIsPrivateWhateverTheUmask() throws IOException {
        Path repo = fakeRepo(false);
        Tool.Result deployed = withStubs(repo, Tool.of("bash", "-c", "umask 022 && exec bash \"$0\" --region eu-west-1",
                repo.resolve("infra/deploy-demo.sh").toString())).run();
        assertEquals(0, deployed.exitCode(), deployed::describe);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(repo.resolve("infra/cdk.out"))));
    }

    // --- the stand-ins

    private Tool.Result run(Path repo, String script, String... args) {
        return withStubs(repo, Tool.of(Tool.require("bash").toString(), repo.resolve("infra").resolve(script).toString())
                .args(args)).run();
    }

    /** The stubs first on the PATH, and what they hand out. */
    private static Tool withStubs(Path repo, Tool tool) {
        return tool.env("PATH", repo.resolve("stub/bin") + ":" + System.getenv("PATH"))
                .env("STUB_DIR", repo.resolve("stub").toString())
                .env("STUB_WORKSPACE", workspace == null ? "" : workspace.root().toString())
                .env("STUB_PUBLISHED", published == null ? "" : published.toString())
                .env("AWS_REGION", "");
    }

    private static List<Call> calls(Path repo) {
        Path log = repo.resolve("stub/calls.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        try {
            return Files.readAllLines(log).stream().map(line -> {
                List<String> fields = Arrays.asList(line.split("\t", -1));
                return new Call(fields.get(0), fields.get(1), List.copyOf(fields.subList(2, fields.size())));
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A repository with the two scripts, a stub ./mtls-cli, the jars the scripts look for, and
     * stubs of aws, npx, mvn and docker; with {@code everything}, node and jq are stubs too.
     */
    private Path fakeRepo(boolean everything) {
        Path repo = temp.resolve("repo");
        try {
            Files.createDirectories(repo.resolve("infra"));
            Files.createDirectories(repo.resolve("stub/bin"));
            for (String script : SCRIPTS) {
                Files.copy(INFRA.resolve(script), repo.resolve("infra").resolve(script), StandardCopyOption.COPY_ATTRIBUTES);
            }
            for (String jar : List.of("cli/target/mtls-cli.jar", "demo-function/target/mtls-demo-function.jar")) {
                Files.createDirectories(repo.resolve(jar).getParent());
                Files.writeString(repo.resolve(jar), "");
            }
            executable(repo.resolve("mtls-cli"), "mtls-cli", MTLS_CLI);
            executable(repo.resolve("stub/bin/aws"), "aws", AWS);
            executable(repo.resolve("stub/bin/npx"), "npx", NPX);
            executable(repo.resolve("stub/bin/docker"), "docker", DOCKER);
            for (String tool : everything ? List.of("mvn", "node", "jq") : List.of("mvn")) {
                executable(repo.resolve("stub/bin").resolve(tool), tool, "exit 1\n");
            }
            if (!everything) {
                // the scripts read JSON with node, else jq: one of them must be here, as on a user's machine
                assertTrue(onPath("node") || onPath("jq"), "neither node nor jq is installed");
            }
            return repo;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    /** A stub that records its call, then runs {@code body}. */
    private static void executable(Path file, String tool, String body) throws IOException {
        Files.writeString(file, LOG.replace("TOOL", tool) + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends "TOOL<TAB>cwd<TAB>arg<TAB>arg..." to $STUB_DIR/calls.log. */
    private static final String LOG = """
            #!/bin/sh
            { printf '%s\\t%s' TOOL "$PWD"; for arg in "$@"; do printf '\\t%s' "$arg"; done; printf '\\n'; } >>"$STUB_DIR/calls.log"
            """;

    /** certs create: a copy of the real workspace; layer publish: what the real command printed for it. */
    private static final String MTLS_CLI = """
            case "$1 $2" in
            "certs create") cp -R "$STUB_WORKSPACE" "$4" ;;
            "layer publish") cat "$STUB_PUBLISHED" ;;
            *) exit 1 ;;
            esac
            """;

    private static final String AWS = """
            case "$1 $2" in
            "ssm put-parameter") echo 1 ;;
            "secretsmanager describe-secret")
                [ -f "$STUB_DIR/secret-exists" ] || { echo "ResourceNotFoundException" >&2; exit 254; }
                echo mtls-demo/service-1-store-passwords ;;
            "secretsmanager create-secret" | "secretsmanager put-secret-value")
                for arg in "$@"; do
                    case "$arg" in
                    file://*)
                        cp "${arg#file://}" "$STUB_DIR/secret-string.json"
                        stat -c %a "${arg#file://}" >"$STUB_DIR/secret-string.mode" ;;
                    esac
                done
                touch "$STUB_DIR/secret-exists"
                echo arn:aws:secretsmanager:eu-west-1:111122223333:secret:mtls-demo/service-1-store-passwords-AbCdEf ;;
            "ssm delete-parameters") echo "None" ;;
            "lambda delete-layer-version" | "secretsmanager delete-secret") ;;
            "cloudformation describe-stacks")
                if [ -f "$STUB_DIR/no-stack" ]; then
                    echo "An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id MtlsDemoStack does not exist" >&2
                    exit 254
                fi
                echo CREATE_COMPLETE ;;
            "cloudformation delete-stack" | "cloudformation wait") ;;
            *) exit 1 ;;
            esac
            """;

    /** A daemon that answers `docker info`, unless $STUB_DIR/no-docker exists. */
    private static final String DOCKER = """
            [ "$1" = info ] && [ ! -f "$STUB_DIR/no-docker" ] && exit 0
            echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
            exit 1
            """;

    private static final String NPX = """
            echo "CDK_DISABLE_VERSION_CHECK=${CDK_DISABLE_VERSION_CHECK:-} CDK_DISABLE_CLI_TELEMETRY=${CDK_DISABLE_CLI_TELEMETRY:-} AWS_REGION=${AWS_REGION:-}" >"$STUB_DIR/npx.env"
            previous=
            for arg in "$@"; do
                if [ "$previous" = --outputs-file ]; then
                    echo '{"MtlsDemoStack":{"ApiUrl":"https://abc123.execute-api.eu-west-1.amazonaws.com/prod/"}}' >"$arg"
                fi
                previous=$arg
            done
            """;
}
