package dev.mtlscli.cmd;

import dev.mtlscli.spec.SpecReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "spec",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Print the built-in demo spec, a starting point for your own mtls.json.")
public final class CertsSpecCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().print(SpecReader.demoJson());
        spec.commandLine().getOut().flush();
    }
}
