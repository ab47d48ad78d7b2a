package dev.mtlscli.cmd;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options every command that does work accepts (mixed into each, after the command name). */
public final class GlobalOptions {
    /** The commands that can print metrics in the Prometheus text format. */
    private static final String METRICS_COMMAND = "status";

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    OutputFormat output = OutputFormat.text;

    @Option(names = "--output", paramLabel = "text|json",
            description = "Output format: text, json (status also: prometheus) (default: text).", defaultValue = "text")
    void output(OutputFormat format) {
        if (format == OutputFormat.prometheus && command != null && !METRICS_COMMAND.equals(command.name())) {
            throw new ParameterException(command.commandLine(), "--output prometheus is for 'mtls-cli status' only; use text or json");
        }
        this.output = format;
    }

    @Option(names = "--verbose",
            description = "Show stack traces of failures.")
    boolean verbose;
}
