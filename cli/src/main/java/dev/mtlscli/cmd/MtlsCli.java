package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.TerminalText;
import dev.mtlscli.lease.LeaseHeldException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

@Command(name = "mtls-cli",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Certificate lifecycle for mutual-TLS clients running in AWS Lambda.",
        subcommands = {
                CertsCommand.class,
                LayerCommand.class,
                RotateCommand.class,
                StatusCommand.class,
                DemoCommand.class,
                CheckCommand.class,
                HelpCommand.class,
                AutoComplete.GenerateCompletion.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:done",
                "1:failed",
                "2:usage error",
                "3:done, but something needs attention (e.g. a certificate expires soon)",
                "4:busy: another run holds the rotation lease (rotate --lease-table); nothing was changed"
        })
public final class MtlsCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line in-process; tests use this to get the exit code without exiting. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        MtlsCli root = new MtlsCli();
        CommandLine commandLine = new CommandLine(root);
        commandLine.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        // With --help picocli tolerates unmatched arguments and shows the parent's help, exit 0:
        // a mistyped command must be a usage error whether or not --help follows it.
        commandLine.setExecutionStrategy(parseResult -> {
            for (CommandLine.ParseResult level = parseResult; level != null; level = level.subcommand()) {
                if (!level.unmatched().isEmpty()) {
                    throw new CommandLine.UnmatchedArgumentException(level.commandSpec().commandLine(), level.unmatched());
                }
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            err.println("mtls-cli: " + TerminalText.escape(describe(e)));
            if (cmd.getParseResult() != null && cmd.getParseResult().hasMatchedOption("--verbose")) {
                e.printStackTrace(err);
            }
            err.flush();
            return e instanceof LeaseHeldException ? ExitCodes.BUSY : ExitCodes.FAILED;
        });
        commandLine.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            PrintWriter err = cmd.getErr();
            String message = e instanceof CommandLine.UnmatchedArgumentException unmatched ? UnknownCommand.describe(unmatched)
                    : e.getMessage();
            err.println("mtls-cli: " + TerminalText.escape(message) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return ExitCodes.USAGE;
        });
        return commandLine;
    }

    private static String describe(Exception e) {
        if (e instanceof MtlsException) {
            return e.getMessage();
        }
        if (e instanceof UncheckedIOException io) {
            return io.getMessage();
        }
        return "internal error: " + e + " (run with --verbose for the stack trace)";
    }
}
