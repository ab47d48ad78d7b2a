package dev.mtlscli.cmd;

import picocli.CommandLine.Option;

/** Options every command that does work accepts (mixed into each, after the command name). */
public final class GlobalOptions {
    @Option(names = "--output", paramLabel = "text|json",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).", defaultValue = "text")
    OutputFormat output = OutputFormat.text;

    @Option(names = "--verbose",
            description = "Show stack traces of failures.")
    boolean verbose;
}
