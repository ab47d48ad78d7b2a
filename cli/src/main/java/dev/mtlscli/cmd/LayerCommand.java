package dev.mtlscli.cmd;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "layer",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Build the client stores into a local layer directory, publish them as Lambda layer versions and list what is published.",
        subcommands = {LayerBuildCommand.class, LayerPublishCommand.class, LayerListCommand.class})
public final class LayerCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
