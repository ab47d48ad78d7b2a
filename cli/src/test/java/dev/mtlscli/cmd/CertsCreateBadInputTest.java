package dev.mtlscli.cmd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static dev.mtlscli.cmd.BadInputCli.assertNoLeftoversBeside;
import static dev.mtlscli.cmd.BadInputCli.assertNothingWritten;
import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;
import static dev.mtlscli.cmd.BadInputCli.run;
import static dev.mtlscli.cmd.BadInputCli.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * `certs create` on bad input: the right exit code, exactly one stderr line naming the problem,
 * no stack trace, and nothing written (no --out, no hidden staging directory beside it).
 */
class CertsCreateBadInputTest {

    /** A valid one-service spec; the services of the bad specs below differ from it in one thing. */
    private static final String GOOD_SERVICE = "{\"name\": \"svc\", \"host\": \"svc.example.com\"}";

    private static final List<String> WORKSPACE_FILES = List.of(
            "passwords.json", ".mtls-cli-workspace", ".mtls-cli.lock", ".mtls-cli-files",
            "ca/svc/ca.crt", "ca/svc/ca.key",
            "servers/svc/server.crt", "servers/svc/server-chain.crt", "servers/svc/server.key", "servers/svc/client-ca.crt",
            "clients/svc/keystore.p12", "clients/svc/truststore.p12");

    @TempDir
    Path tmp;

    private Path out() {
        return tmp.resolve("out");
    }

    private Path goodSpec() {
        return write(tmp.resolve("good.json"), "{\"version\": 1, \"services\": [" + GOOD_SERVICE + "]}");
    }

    private static String withService(String service) {
        return "{\"version\": 1, \"services\": [" + service + "]}";
    }

    private BadInputCli.Result create(String... extra) {
        String[] args = new String[extra.length + 4];
        args[0] = "certs";
        args[1] = "create";
        args[2] = "--out";
        args[3] = out().toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        return run(args);
    }

    // ---------------------------------------------------------------- picocli usage errors: exit 2

    @Test
    void unknownKeyAlgorithmFlagIsAUsageError() {
        BadInputCli.Result result = create("--key-algorithm", "ed25519");
        String line = assertOneLineFailure(result, ExitCodes.USAGE, "--key-algorithm");
        assertTrue(line.contains("ed25519"), line);
        assertNothingWritten(out());
    }

    @Test
    void nonIntegerValidityIsAUsageError() {
        BadInputCli.Result result = create("--validity", "abc");
        String line = assertOneLineFailure(result, ExitCodes.USAGE, "--validity");
        assertTrue(line.contains("abc"), line);
        assertNothingWritten(out());
    }

    @Test
    void unknownStoreTypeFlagIsAUsageError() {
        BadInputCli.Result result = create("--store-type", "pem");
        assertOneLineFailure(result, ExitCodes.USAGE, "--store-type");
        assertNothingWritten(out());
    }

    // ---------------------------------------------------------------- flags: exit 1

    @Test
    void zeroValidityIsRefused() {
        assertOneLineFailure(create("--validity", "0"), ExitCodes.FAILED, "at least 1 day");
        assertNothingWritten(out());
    }

    @Test
    void negativeValidityIsRefused() {
        BadInputCli.Result result = create("--validity", "-5");
        String line = assertOneLineFailure(result, ExitCodes.FAILED, "at least 1 day");
        assertTrue(line.contains("-5"), line);
        assertNothingWritten(out());
    }

    @Test
    void zeroCaValidityIsRefused() {
        assertOneLineFailure(create("--ca-validity", "0", "--validity", "1"), ExitCodes.FAILED, "at least 1 day");
        assertNothingWritten(out());
    }

    @Test
    void validityBeyondTheDefaultCaValidityIsRefused() {
        BadInputCli.Result result = create("--validity", "4000");
        String line = assertOneLineFailure(result, ExitCodes.FAILED, "exceeds");
        assertTrue(line.contains("4000") && line.contains("3650"), line);
        assertNothingWritten(out());
    }

    @Test
    void validityBeyondTheGivenCaValidityIsRefused() {
        String line = assertOneLineFailure(create("--ca-validity", "100", "--validity", "101"), ExitCodes.FAILED, "exceeds");
        assertTrue(line.contains("101") && line.contains("100"), line);
        assertNothingWritten(out());
    }

    @Test
    void missingSpecFile() {
        Path spec = tmp.resolve("nope.json");
        String line = assertOneLineFailure(create("--spec", spec.toString()), ExitCodes.FAILED, "does not exist");
        assertTrue(line.contains("nope.json"), line);
        assertNothingWritten(out());
    }

    @Test
    void unreadableSpecFile() throws IOException {
        Path spec = goodSpec();
        Files.setPosixFilePermissions(spec, PosixFilePermissions.fromString("---------"));
        // root reads any file whatever its mode, so the case cannot happen when the tests run as root
        assumeFalse(isRoot(), "running as root: a chmod 000 file is still readable, case skipped");
        String line = assertOneLineFailure(create("--spec", spec.toString()), ExitCodes.FAILED, "not readable");
        assertTrue(line.contains("good.json"), line);
        assertNothingWritten(out());
    }

    @Test
    void missingPasswordFile() {
        Path passwords = tmp.resolve("passwords-missing.json");
        String line = assertOneLineFailure(create("--password-file", passwords.toString()), ExitCodes.FAILED, "does not exist");
        assertTrue(line.contains("passwords-missing.json"), line);
        assertNothingWritten(out());
    }

    @Test
    void passwordFileThatIsNotJson() {
        Path passwords = write(tmp.resolve("pw.json"), "{\"version\": 1, \"passwords\": {\n");
        String line = assertOneLineFailure(create("--password-file", passwords.toString()), ExitCodes.FAILED, "not valid JSON");
        assertTrue(line.contains("pw.json"), line);
        assertNothingWritten(out());
    }

    @Test
    void passwordFileOfAnotherShape() {
        Path passwords = write(tmp.resolve("pw.json"), "{\"version\": 2, \"passwords\": {}}");
        assertOneLineFailure(create("--password-file", passwords.toString()), ExitCodes.FAILED, "not a version 1");
        assertNothingWritten(out());

        Path list = write(tmp.resolve("pw-list.json"), "[\"secret\"]");
        assertOneLineFailure(create("--password-file", list.toString()), ExitCodes.FAILED, "pw-list.json");
        assertNothingWritten(out());
    }

    @Test
    void passwordFileWithANonStringPassword() {
        Path passwords = write(tmp.resolve("pw.json"),
                "{\"version\": 1, \"passwords\": {\"clients/svc/truststore.p12\": 12345}}");
        String line = assertOneLineFailure(create("--password-file", passwords.toString()), ExitCodes.FAILED,
                "clients/svc/truststore.p12");
        assertFalse(line.contains("12345"), "a password must never be echoed: " + line);
        assertNothingWritten(out());
    }

    @Test
    void passwordFileWithATooShortPassword() {
        Path passwords = write(tmp.resolve("pw.json"),
                "{\"version\": 1, \"passwords\": {\"clients/svc/keystore.p12\": \"short\"}}");
        String line = assertOneLineFailure(create("--spec", goodSpec().toString(), "--password-file", passwords.toString()),
                ExitCodes.FAILED, "shorter than 16");
        assertTrue(line.contains("clients/svc/keystore.p12"), line);
        assertFalse(line.contains("'short'"), "a password must never be echoed: " + line);
        assertNothingWritten(out());
    }

    @Test
    void passwordFileWithAnEmptyPassword() {
        Path passwords = write(tmp.resolve("pw.json"),
                "{\"version\": 1, \"passwords\": {\"ca/svc/ca.key\": \"\"}}");
        String line = assertOneLineFailure(create("--spec", goodSpec().toString(), "--password-file", passwords.toString()),
                ExitCodes.FAILED, "ca/svc/ca.key");
        assertTrue(line.contains("pw.json"), line);
        assertNothingWritten(out());
    }

    // ---------------------------------------------------------------- bad specs: exit 1

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                Arguments.of("unknown key algorithm at the top",
                        "{\"keyAlgorithm\": \"ed25519\", \"services\": [" + GOOD_SERVICE + "]}", "unknown key algorithm 'ed25519'"),
                Arguments.of("unknown key algorithm of a service",
                        withService("{\"name\": \"svc\", \"host\": \"svc.example.com\", \"keyAlgorithm\": \"rsa-1024\"}"),
                        "unknown key algorithm 'rsa-1024'"),
                Arguments.of("unknown store type",
                        "{\"storeType\": \"pem\", \"services\": [" + GOOD_SERVICE + "]}", "unknown store type 'pem'"),
                Arguments.of("host with underscore and bang",
                        withService("{\"name\": \"svc\", \"host\": \"bad_host!\"}"), "invalid host name 'bad_host!'"),
                Arguments.of("host starting with a hyphen",
                        withService("{\"name\": \"svc\", \"host\": \"-x.com\"}"), "invalid host name '-x.com'"),
                Arguments.of("empty host",
                        withService("{\"name\": \"svc\", \"host\": \"\"}"), "invalid host name ''"),
                Arguments.of("no host",
                        withService("{\"name\": \"svc\"}"), "invalid host name"),
                Arguments.of("wildcard as the host",
                        withService("{\"name\": \"svc\", \"host\": \"*.example.com\"}"), "invalid host name '*.example.com'"),
                Arguments.of("bad extra DNS name",
                        withService("{\"name\": \"svc\", \"host\": \"svc.example.com\", \"dnsNames\": [\"a..b\"]}"),
                        "invalid DNS name 'a..b'"),
                Arguments.of("IPv4 octet out of range",
                        withService("{\"name\": \"svc\", \"host\": \"svc.example.com\", \"ipAddresses\": [\"10.0.0.300\"]}"),
                        "invalid IP address '10.0.0.300'"),
                Arguments.of("IP that is a name",
                        withService("{\"name\": \"svc\", \"host\": \"svc.example.com\", \"ipAddresses\": [\"not-an-ip\"]}"),
                        "invalid IP address 'not-an-ip'"),
                Arguments.of("IP with a prefix length",
                        withService("{\"name\": \"svc\", \"host\": \"svc.example.com\", \"ipAddresses\": [\"10.0.0.0/8\"]}"),
                        "invalid IP address '10.0.0.0/8'"),
                Arguments.of("server validity beyond the default CA validity",
                        withService("{\"name\": \"svc\", \"host\": \"svc.example.com\", \"server\": {\"validityDays\": 4000}}"),
                        "exceeds its CA's 3650 days"),
                Arguments.of("client validity beyond the service's own CA validity",
                        withService("{\"name\": \"svc\", \"host\": \"svc.example.com\", \"ca\": {\"validityDays\": 365},"
                                + " \"client\": {\"validityDays\": 366}}"),
                        "exceeds its CA's 365 days"),
                Arguments.of("top-level validity beyond the top-level CA validity",
                        "{\"caValidityDays\": 30, \"validityDays\": 31, \"services\": [" + GOOD_SERVICE + "]}",
                        "exceeds its CA's 30 days"),
                Arguments.of("zero validity of a certificate",
                        withService("{\"name\": \"svc\", \"host\": \"svc.example.com\", \"client\": {\"validityDays\": 0}}"),
                        "at least 1 day"),
                Arguments.of("invalid JSON (truncated)",
                        "{\"services\": [" + GOOD_SERVICE, "not valid JSON"),
                Arguments.of("invalid JSON (wrong type)",
                        "{\"services\": \"svc\"}", "'services' must be an array"),
                Arguments.of("unknown top-level field (typo)",
                        "{\"validityDay\": 30, \"services\": [" + GOOD_SERVICE + "]}", "unknown field 'validityDay'"),
                Arguments.of("unknown service field (typo)",
                        withService("{\"name\": \"svc\", \"hots\": \"svc.example.com\"}"), "hots"),
                Arguments.of("empty service list",
                        "{\"version\": 1, \"services\": []}", "no services"),
                Arguments.of("no service list",
                        "{\"version\": 1}", "no services"),
                Arguments.of("JSON null",
                        "null", "not a JSON object"),
                Arguments.of("a number where a validity goes",
                        "{\"validityDays\": \"30\", \"services\": [" + GOOD_SERVICE + "]}", "validityDays"),
                Arguments.of("a fractional validity",
                        "{\"validityDays\": 1.5, \"services\": [" + GOOD_SERVICE + "]}", "validityDays"),
                Arguments.of("a validity too large for an int",
                        "{\"caValidityDays\": 3000000000, \"services\": [" + GOOD_SERVICE + "]}", "caValidityDays"),
                Arguments.of("duplicate field",
                        "{\"validityDays\": 30, \"validityDays\": 40, \"services\": [" + GOOD_SERVICE + "]}", "validityDays"),
                Arguments.of("a service that is not an object",
                        "{\"services\": [\"svc\"]}", "services[0]"),
                Arguments.of("a null service",
                        "{\"services\": [null]}", "empty service"),
                Arguments.of("duplicate service names",
                        "{\"services\": [" + GOOD_SERVICE + ", {\"name\": \"svc\", \"host\": \"other.example.com\"}]}",
                        "service 'svc' appears twice"),
                Arguments.of("service name with upper case and underscore",
                        withService("{\"name\": \"Service_1\", \"host\": \"svc.example.com\"}"),
                        "invalid service name 'Service_1'"),
                Arguments.of("subject that is not a DN",
                        withService("{\"name\": \"svc\", \"host\": \"svc.example.com\","
                                + " \"server\": {\"subject\": \"not a distinguished name\"}}"),
                        "invalid certificate subject 'not a distinguished name'"),
                Arguments.of("subject with an unknown attribute",
                        withService("{\"name\": \"svc\", \"host\": \"svc.example.com\", \"ca\": {\"subject\": \"FOO=bar\"}}"),
                        "invalid certificate subject 'FOO=bar'"),
                Arguments.of("empty subject",
                        withService("{\"name\": \"svc\", \"host\": \"svc.example.com\", \"client\": {\"subject\": \"\"}}"),
                        "empty certificate subject"),
                Arguments.of("unsupported spec version",
                        "{\"version\": 2, \"services\": [" + GOOD_SERVICE + "]}", "spec version 2 is not supported"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void badSpecIsRefusedWithOneLineAndNothingWritten(String description, String json, String expected) {
        Path spec = write(tmp.resolve("mtls.json"), json);
        assertOneLineFailure(create("--spec", spec.toString()), ExitCodes.FAILED, expected);
        assertNothingWritten(out());
    }

    @Test
    void emptySpecFile() {
        Path spec = write(tmp.resolve("empty.json"), "");
        String line = assertOneLineFailure(create("--spec", spec.toString()), ExitCodes.FAILED, "empty.json");
        assertTrue(line.contains("is empty"), line);
        assertNothingWritten(out());
    }

    @Test
    void unknownKeyAlgorithmFlagWinsOverAGoodSpecButIsStillAUsageError() {
        BadInputCli.Result result = create("--spec", goodSpec().toString(), "--key-algorithm", "dsa-1024");
        assertOneLineFailure(result, ExitCodes.USAGE, "dsa-1024");
        assertNothingWritten(out());
    }

    // ---------------------------------------------------------------- existing output

    @Test
    void existingNonEmptyOutputIsRefusedWithoutForceAndLeftUntouched() throws IOException {
        Files.createDirectories(out().resolve("keep"));
        byte[] marker = "precious\n".getBytes(StandardCharsets.UTF_8);
        Files.write(out().resolve("keep/marker.txt"), marker);

        BadInputCli.Result result = create("--spec", goodSpec().toString());

        String line = assertOneLineFailure(result, ExitCodes.FAILED, "already exists and is not empty");
        assertTrue(line.contains("--force"), "the message should say how to go on: " + line);
        assertEquals(List.of("keep", "keep/marker.txt"), listTree(out()));
        assertArrayEquals(marker, Files.readAllBytes(out().resolve("keep/marker.txt")));
        assertNoLeftoversBeside(out());
    }

    @Test
    void outputThatIsAFileIsRefused() throws IOException {
        Files.writeString(out(), "a file");
        assertOneLineFailure(create("--spec", goodSpec().toString()), ExitCodes.FAILED, "not a directory");
        assertEquals("a file", Files.readString(out()));
        assertNoLeftoversBeside(out());
    }

    @Test
    void forceReplacesAnExistingOutput() throws IOException {
        assertEquals(ExitCodes.OK, create("--spec", goodSpec().toString()).exitCode());
        byte[] oldKey = Files.readAllBytes(out().resolve("ca/svc/ca.key"));

        BadInputCli.Result result = create("--spec", goodSpec().toString(), "--force");

        assertEquals(ExitCodes.OK, result.exitCode(), result.err());
        assertEquals("", result.err());
        assertEquals(sortedWorkspaceFiles(), listFiles(out()));
        assertFalse(java.util.Arrays.equals(oldKey, Files.readAllBytes(out().resolve("ca/svc/ca.key"))), "the old content must be gone");
        assertNoLeftoversBeside(out());
    }

    @Test
    void existingEmptyDirectoryIsUsedWithoutForce() throws IOException {
        Files.createDirectories(out());

        BadInputCli.Result result = create("--spec", goodSpec().toString());

        assertEquals(ExitCodes.OK, result.exitCode(), result.err());
        assertEquals("", result.err());
        assertEquals(sortedWorkspaceFiles(), listFiles(out()));
        assertNoLeftoversBeside(out());
    }

    // ---------------------------------------------------------------- failures after staging began

    /**
     * A CA validity whose notAfter is past the year 9999 cannot be encoded in X.509
     * (GeneralizedTime has four year digits). It passes the spec checks, so it fails during issuance,
     * after the staging directory was created: the output must still be all-or-nothing, and the
     * one line should name the validity that is wrong rather than an ASN.1 parser message.
     */
    @Test
    void caValidityBeyondYear9999FailsAtomicallyAndNamesTheValidity() {
        BadInputCli.Result result = create("--spec", goodSpec().toString(), "--ca-validity", "3000000", "--validity", "1");

        assertEquals(ExitCodes.FAILED, result.exitCode(), result.err());
        assertNothingWritten(out());
        String line = assertOneLineFailure(result, ExitCodes.FAILED, "validity");
        assertFalse(line.contains("java.io.IOException"), "no Java exception names in the message: " + line);
    }

    /**
     * The resolver allows leaf validity equal to the CA's ("may not exceed"). The CA is created
     * with a `now` taken before key generation, the leaves with a later Instant.now(); when the
     * wall clock crosses a second in between (certain with two 4096-bit RSA key generations),
     * the leaf's notAfter lands after the CA's and creation fails.
     */
    @Test
    void leafValidityEqualToCaValidityIsAccepted() throws IOException {
        Path spec = write(tmp.resolve("rsa.json"),
                "{\"keyAlgorithm\": \"rsa-4096\", \"caValidityDays\": 30, \"validityDays\": 30, \"services\": [" + GOOD_SERVICE + "]}");

        BadInputCli.Result result = create("--spec", spec.toString());

        assertEquals(ExitCodes.OK, result.exitCode(), result.err());
        assertEquals(sortedWorkspaceFiles(), listFiles(out()));
        assertNoLeftoversBeside(out());
    }

    // ---------------------------------------------------------------- helpers

    private static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    private static List<String> sortedWorkspaceFiles() {
        return WORKSPACE_FILES.stream().sorted().toList();
    }

    private static List<String> listFiles(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    private static List<String> listTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }
}
