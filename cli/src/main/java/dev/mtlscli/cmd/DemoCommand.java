package dev.mtlscli.cmd;

import dev.mtlscli.demo.BackendKind;
import dev.mtlscli.demo.DemoBackend;
import dev.mtlscli.demo.DemoOutcome;
import dev.mtlscli.demo.LocalDemo;
import dev.mtlscli.json.Json;
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

@Command(name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Run the whole demo on this machine, without an AWS account.",
                "Creates the demo certificates and layer in a temporary directory,",
                "starts two mTLS backends on 127.0.0.1 (nginx when installed, else",
                "the JDK's HTTPS server), serves the store passwords from a",
                "Parameter Store on loopback (GetParameters only, this run's",
                "credentials only) and calls the five demo handlers. Exits with 1 when an",
                "approach does not answer as expected. Passwords are never printed."
        })
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Option(names = "--backend", paramLabel = "nginx|jdk|auto", defaultValue = "auto",
            description = "What serves the backends: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: nginx when found on the PATH or at /usr/sbin/nginx).")
    BackendKind backend;

    @Option(names = "--keep", description = "Keep the temporary directory (certificates, layer, backend logs) and print its path.")
    boolean keep;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean json = global.output == OutputFormat.json;
        // with --output json, stdout is only the JSON array; the progress goes to stderr
        PrintWriter progress = json ? err : out;
        LocalDemo.Result result = LocalDemo.run(backend, keep, new LocalDemo.Listener() {
            @Override
            public void workspace(Path directory) {
                progress.printf("Workspace %s%n", directory);
                progress.flush();
            }

            @Override
            public void backends(DemoBackend started) {
                progress.printf("Backends: %s on 127.0.0.1:%d (service-1) and 127.0.0.1:%d (service-2)%n",
                        started.description(), started.port("service-1"), started.port("service-2"));
                progress.flush();
            }

            @Override
            public void ssm(String endpoint) {
                progress.printf("SSM: the demo's Parameter Store on loopback at %s%n", endpoint);
                progress.flush();
            }
        });
        if (json) {
            List<Object> array = new ArrayList<>();
            for (DemoOutcome outcome : result.outcomes()) {
                Map<String, Object> node = new LinkedHashMap<>();
                node.put("approach", outcome.approach());
                node.put("status", outcome.status());
                node.put("body", outcome.body());
                array.add(node);
            }
            out.println(Json.write(array));
        } else {
            out.println();
            for (DemoOutcome outcome : result.outcomes()) {
                out.printf("%-22s %3d  %s%n", outcome.approach(), outcome.status(), oneLine(outcome.body()));
            }
            out.println();
        }
        List<DemoOutcome> unexpected = result.unexpected();
        if (unexpected.isEmpty() && !json) {
            out.printf("Every approach answered as expected (backends: %s).%n", result.backend());
        }
        progress.println(keep ? "Kept the workspace " + result.workspace() : "Removed the workspace " + result.workspace());
        out.flush();
        progress.flush();
        if (!unexpected.isEmpty()) {
            List<String> differed = unexpected.stream()
                    .map(outcome -> outcome.approach() + " answered " + outcome.status() + ", expected " + outcome.expectation())
                    .toList();
            err.println("mtls-cli: demo: " + String.join("; ", differed));
            err.flush();
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ");
    }
}
