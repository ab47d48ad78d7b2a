package dev.mtlscli.cmd;

import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs mtls-cli in-process and checks the shape of a failure, for CertsCreateBadInputTest and
 * CertsInspectBadInputTest (kept apart from the shared dev.mtlscli.testing helpers on purpose).
 */
final class BadInputCli {

    record Result(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private BadInputCli() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = MtlsCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * Exit code as expected, exactly one stderr line "mtls-cli: ..." that contains the given
     * substring (case-insensitive), no stack trace and no "internal error".
     */
    static String assertOneLineFailure(Result result, int expectedExit, String expectedSubstring) {
        String context = "exit " + result.exitCode() + ", stderr:\n" + result.err() + "\nstdout:\n" + result.out();
        assertEquals(expectedExit, result.exitCode(), context);
        List<String> lines = result.errLines();
        assertEquals(1, lines.size(), "expected exactly one stderr line; " + context);
        String line = lines.get(0);
        assertTrue(line.startsWith("mtls-cli: "), "stderr line must start with 'mtls-cli: ': " + line);
        assertFalse(line.contains("internal error"), "an expected failure must not be an internal error: " + line);
        assertFalse(result.err().contains("\tat "), "no stack trace without --verbose: " + result.err());
        assertTrue(line.toLowerCase().contains(expectedSubstring.toLowerCase()),
                "stderr should mention '" + expectedSubstring + "': " + line);
        return line;
    }

    /** Nothing at out, and no hidden staging or old-copy directory left beside it. */
    static void assertNothingWritten(Path out) {
        assertFalse(Files.exists(out), "nothing may exist at " + out);
        assertNoLeftoversBeside(out);
    }

    static void assertNoLeftoversBeside(Path out) {
        Path parent = out.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            return;
        }
        String prefix = "." + out.getFileName() + ".";
        try (Stream<Path> entries = Files.list(parent)) {
            List<String> leftovers = entries.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith(prefix)).toList();
            assertEquals(List.of(), leftovers, "hidden staging/old directories left beside " + out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path file, String content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
