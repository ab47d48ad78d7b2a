package dev.mtlscli.cmd;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;

/**
 * `mtls-cli help certs create`: picocli's own help command looks up one level only,
 * so this one walks the whole path of subcommand names.
 */
@Command(name = "help",
        helpCommand = true,
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Show the help of a command, e.g. 'mtls-cli help certs create'.")
public final class HelpCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command path, e.g. 'certs create'.")
    List<String> path = new ArrayList<>();

    @Override
    public void run() {
        CommandLine command = spec.root().commandLine();
        for (String name : path) {
            CommandLine next = command.getSubcommands().get(name);
            if (next == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), UnknownCommand.describe(
                        new CommandLine.UnmatchedArgumentException(command, List.of(name))));
            }
            command = next;
        }
        command.usage(spec.commandLine().getOut());
    }
}
