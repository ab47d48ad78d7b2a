package dev.mtlscli.testing;

import dev.mtlscli.cmd.MtlsCli;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs mtls-cli in-process and captures what it prints. */
public final class Cli {
    private Cli() {
    }

    public record Result(int exitCode, String out, String err) {
        /** The non-empty lines of stderr. */
        public List<String> errLines() {
            return err.lines().filter(line -> !line.isBlank()).toList();
        }

        public Result assertExit(int expected, String what) {
            assertEquals(expected, exitCode, () -> what + ": expected exit " + expected + " but was " + exitCode
                    + "\n--- stdout\n" + out + "\n--- stderr\n" + err);
            return this;
        }
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = run(out, err, args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** Runs with stdout and stderr going to these writers as they are printed: to watch a command that streams. */
    public static int run(Writer out, Writer err, String... args) {
        CommandLine commandLine = MtlsCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    /** Runs a command that must succeed (exit 0). */
    public static Result runOk(String... args) {
        return run(args).assertExit(0, "mtls-cli " + String.join(" ", Arrays.asList(args)));
    }
}
