package dev.mtlscli.cmd;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "certs",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Create and inspect certificates, keystores and truststores.",
        subcommands = {CertsCreateCommand.class, CertsImportCommand.class, CertsRekeyCommand.class, CertsInspectCommand.class, CertsSpecCommand.class})
public final class CertsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
