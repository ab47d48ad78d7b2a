package dev.mtlscli.cmd;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;
import static dev.mtlscli.cmd.BadInputCli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A malformed password file (passwords.json of a workspace, the JSON of `certs create
 * --password-file`) fails with one line naming the file and what is wrong, and no byte of the
 * password in it: not in the line, not in the --verbose stack trace.
 */
class SecretFileErrorTest {
    static final String PASSWORD = "Zq7Vh3Wp9xYwKm4Tb8Rj";
    private static final String KEY = "\"clients/svc/keystore.p12\"";

    @TempDir
    Path tmp;

    static Stream<Arguments> malformedPasswordFiles() {
        return Stream.of(
                Arguments.of("unquoted value", utf8(doc(PASSWORD))),
                Arguments.of("single-quoted value", utf8(doc("'" + PASSWORD + "'"))),
                Arguments.of("truncated in the value", utf8("{\"version\": 1, \"passwords\": {" + KEY + ": \"" + PASSWORD)),
                Arguments.of("truncated after the value", utf8("{\"version\": 1, \"passwords\": {" + KEY + ": \"" + PASSWORD + "\"")),
                Arguments.of("trailing garbage", utf8(doc("\"" + PASSWORD + "\"") + PASSWORD)),
                Arguments.of("trailing second object", utf8(doc("\"" + PASSWORD + "\"") + "{\"x\": \"" + PASSWORD + "\"}")),
                Arguments.of("number as password", utf8(doc("12345678901234567890123"))),
                Arguments.of("array as password", utf8(doc("[\"" + PASSWORD + "\"]"))),
                Arguments.of("object as password", utf8(doc("{\"p\": \"" + PASSWORD + "\"}"))),
                Arguments.of("null as password", utf8(doc("null"))),
                Arguments.of("boolean as password", utf8(doc("true"))),
                Arguments.of("duplicate key", utf8("{\"version\": 1, \"passwords\": {" + KEY + ": \"" + PASSWORD + "\", "
                        + KEY + ": \"" + PASSWORD + "2\"}}")),
                Arguments.of("bad escape", utf8(doc("\"" + PASSWORD.substring(0, 8) + "\\q" + PASSWORD.substring(8) + "\""))),
                Arguments.of("bad unicode escape", utf8(doc("\"" + PASSWORD + "\\u12G4\""))),
                Arguments.of("raw tab", utf8(doc("\"" + PASSWORD.substring(0, 8) + "\t" + PASSWORD.substring(8) + "\""))),
                Arguments.of("raw newline", utf8(doc("\"" + PASSWORD.substring(0, 8) + "\n" + PASSWORD.substring(8) + "\""))),
                Arguments.of("raw control char", utf8(doc("\"" + PASSWORD.substring(0, 8) + "\u0001" + PASSWORD.substring(8) + "\""))),
                Arguments.of("control char outside a string", utf8(doc("\u0001\"" + PASSWORD + "\""))),
                Arguments.of("non-UTF-8 bytes", concat(utf8("{\"version\": 1, \"passwords\": {" + KEY + ": \"" + PASSWORD.substring(0, 8)),
                        new byte[]{(byte) 0xff, (byte) 0xfe, (byte) 0xc3}, utf8(PASSWORD.substring(8) + "\"}}"))),
                Arguments.of("non-ASCII password", utf8(doc("\"" + PASSWORD + "\u00e9\""))),
                Arguments.of("short password", utf8(doc("\"" + PASSWORD.substring(0, 10) + "\""))),
                Arguments.of("whitespace password", utf8(doc("\"                    \""))),
                Arguments.of("bare password", utf8(PASSWORD)),
                Arguments.of("quoted password alone", utf8("\"" + PASSWORD + "\"")),
                Arguments.of("comment", utf8("/* " + PASSWORD + " */" + doc("\"" + PASSWORD + "\""))),
                Arguments.of("empty file", new byte[0]),
                Arguments.of("only whitespace", utf8("  \n\n ")),
                Arguments.of("BOM then unquoted value", concat(new byte[]{(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, utf8(doc(PASSWORD)))),
                Arguments.of("UTF-16 BOM", concat(new byte[]{(byte) 0xfe, (byte) 0xff}, doc(PASSWORD).getBytes(StandardCharsets.UTF_16BE))),
                Arguments.of("wrong version", utf8("{\"version\": 2, \"passwords\": {" + KEY + ": \"" + PASSWORD + "\"}}")),
                Arguments.of("huge file", utf8(doc("\"" + PASSWORD + "\"") + " ".repeat(2 * 1024 * 1024) + PASSWORD)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPasswordFiles")
    void certsCreatePasswordFileNeverEchoesThePassword(String name, byte[] content) throws IOException {
        Path file = Files.write(tmp.resolve("supplied-passwords.json"), content);
        String[] args = {"certs", "create", "--out", tmp.resolve("out").toString(), "--password-file", file.toString()};

        BadInputCli.Result result = run(args);
        String line = assertOneLineFailure(result, ExitCodes.FAILED, file.toString());
        assertNoPasswordIn(result.out() + result.err());
        assertFalse(Files.exists(tmp.resolve("out")), line);

        BadInputCli.Result verbose = run(withVerbose(args));
        assertNoPasswordIn(verbose.out() + verbose.err());
        assertTrue(verbose.err().startsWith(line + "\n"), verbose.err());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPasswordFiles")
    void workspacePasswordsJsonNeverEchoesThePassword(String name, byte[] content) throws IOException {
        Path workspace = tmp.resolve("ws");
        assertEquals(0, run("certs", "create", "--out", workspace.toString(), "--key-algorithm", "ec-p256").exitCode());
        Path passwords = workspace.resolve("passwords.json");
        Files.write(passwords, content);
        // checking the material opens the keystores with passwords.json before any AWS call
        String[] args = {"layer", "publish", "--workspace", workspace.toString(), "--dry-run", "--region", "us-east-1"};

        BadInputCli.Result result = run(args);
        String line = assertOneLineFailure(result, ExitCodes.FAILED, passwords.toString());
        assertNoPasswordIn(result.out() + result.err());

        BadInputCli.Result verbose = run(withVerbose(args));
        assertNoPasswordIn(verbose.out() + verbose.err());
        assertTrue(verbose.err().startsWith(line + "\n"), verbose.err());
    }

    /** No run of six characters of the password anywhere: a truncated or escaped echo counts too. */
    static void assertNoPasswordIn(String output) {
        for (int i = 0; i + 6 <= PASSWORD.length(); i++) {
            String piece = PASSWORD.substring(i, i + 6);
            assertFalse(output.contains(piece), "output carries '" + piece + "' of the password:\n" + output);
        }
    }

    private static String[] withVerbose(String[] args) {
        String[] verbose = new String[args.length + 1];
        System.arraycopy(args, 0, verbose, 0, args.length);
        verbose[args.length] = "--verbose";
        return verbose;
    }

    private static String doc(String value) {
        return "{\"version\": 1, \"passwords\": {" + KEY + ": " + value + "}}\n";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
