package dev.mtlscli.cmd;

import picocli.CommandLine;
import picocli.CommandLine.UnmatchedArgumentException;

import java.util.List;

/** The one line for an argument no command takes: a mistyped command is named with the nearest ones. */
final class UnknownCommand {
    private UnknownCommand() {
    }

    static String describe(UnmatchedArgumentException e) {
        CommandLine command = e.getCommandLine();
        List<String> unmatched = e.getUnmatched();
        String first = unmatched.isEmpty() ? "" : unmatched.get(0);
        if (command.getSubcommands().isEmpty() || first.startsWith("-")) {
            return e.getMessage();
        }
        List<String> nearest = e.getSuggestions();
        return "unknown command '" + first + "' under '" + command.getCommandSpec().qualifiedName() + "'"
                + (nearest.isEmpty() ? "" : "; did you mean '" + nearest.get(0) + "'?");
    }
}
