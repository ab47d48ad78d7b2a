package dev.mtlscli.cmd;

import dev.mtlscli.TerminalText;
import dev.mtlscli.json.Json;
import dev.mtlscli.layer.LayerDirectoryWriter;
import dev.mtlscli.workspace.ExistingWorkspace;
import dev.mtlscli.workspace.WorkspaceLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "build",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Write the layer content of a workspace (created or imported) to a local directory, without AWS:",
                "mtls/<service>/ with the client keystore, truststore and manifest.json, the files layer publish would",
                "put in the layer, checked as it checks them. The manifest pins version 1 of the default SSM parameters."
        })
public final class LayerBuildCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Option(names = "--workspace", paramLabel = "DIR", defaultValue = "mtls-certs",
            description = "Workspace written by 'certs create' or 'certs import' (default: ${DEFAULT-VALUE}).")
    Path workspace;

    @Option(names = "--layer-dir", paramLabel = "DIR", required = true,
            description = "The layer directory to write, created atomically.")
    Path layerDir;

    @Option(names = "--service", paramLabel = "NAME", description = "Service to build; repeatable (default: every service of the workspace).")
    List<String> services = new ArrayList<>();

    @Option(names = "--force", description = "Replace an existing layer directory that mtls-cli wrote.")
    boolean force;

    @Override
    public Integer call() {
        ExistingWorkspace ws = ExistingWorkspace.open(workspace);
        List<String> files;
        // reads keystores and passwords that a rotation may be renewing at that moment
        try (WorkspaceLock lock = WorkspaceLock.acquire(ws.directory(), "layer build")) {
            files = LayerDirectoryWriter.write(ws, ws.select(services), layerDir, force);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (global.output == OutputFormat.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("workspace", ws.directory().toAbsolutePath().normalize().toString());
            json.put("layerDirectory", layerDir.toAbsolutePath().normalize().toString());
            json.put("layerFiles", files);
            out.println(Json.write(json));
        } else {
            out.printf("Layer content of %s in %s:%n", TerminalText.escape(ws.directory()), TerminalText.escape(layerDir));
            files.forEach(file -> out.printf("  %s%n", file));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
