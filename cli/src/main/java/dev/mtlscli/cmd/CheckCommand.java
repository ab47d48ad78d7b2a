package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.TerminalText;
import dev.mtlscli.check.CheckOutcome;
import dev.mtlscli.check.LocalCheck;
import dev.mtlscli.json.Json;
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

@Command(name = "check",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Check a workspace (created or imported) on this machine, before AWS: builds its layer directory as",
                "layer build does, starts nginx on 127.0.0.1 with each service's backend certificate (servers/<service>/),",
                "ssl_verify_client on with the CA of servers/<service>/client-ca.pem, and calls each backend through the",
                "runtime with the layer and the workspace's passwords. Prints the negotiated TLS version per service, or",
                "why the call failed; exits with 1 when one fails. Nothing is sent anywhere, no password is printed."
        })
public final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Option(names = "--workspace", paramLabel = "DIR", defaultValue = "mtls-certs",
            description = "Workspace written by 'certs create' or 'certs import' (default: ${DEFAULT-VALUE}).")
    Path workspace;

    @Option(names = "--service", paramLabel = "NAME", description = "Service to check; repeatable (default: every service of the workspace).")
    List<String> services = new ArrayList<>();

    @Option(names = "--server-key", paramLabel = "SERVICE=FILE",
            description = "The backend's private key (PEM, nginx's ssl_certificate_key) of a service whose workspace has none, "
                    + "as after certs import; repeatable. Read by nginx only.")
    Map<String, Path> serverKeys = new LinkedHashMap<>();

    @Option(names = "--ssl-protocols", paramLabel = "PROTOCOLS",
            description = "nginx's ssl_protocols for the backends, as in your nginx.conf, e.g. \"TLSv1.2\" "
                    + "(default: TLSv1.2 TLSv1.3; with --sample-backend nginx's own default).")
    String sslProtocols;

    @Option(names = "--sample-backend",
            description = "Configure nginx as the AWS sample's backend: ssl_verify_depth 1 (at most one certificate between the "
                    + "client's and the trusted root, which OpenSSL does not count) and no ssl_protocols unless given; without it, depth 2.")
    boolean sampleBackend;

    @Override
    public Integer call() {
        if (sslProtocols != null && !sslProtocols.matches("TLSv1(\\.[0-3])?( TLSv1(\\.[0-3])?)*")) {
            throw new MtlsException("--ssl-protocols '" + sslProtocols + "' is not a list of TLS versions such as \"TLSv1.2 TLSv1.3\"");
        }
        ExistingWorkspace ws = ExistingWorkspace.open(workspace);
        LocalCheck.Result result;
        // reads keystores and passwords that a rotation may be renewing at that moment
        try (WorkspaceLock lock = WorkspaceLock.acquire(ws.directory(), "check")) {
            result = LocalCheck.run(ws, new LocalCheck.Request(services, serverKeys, sslProtocols, sampleBackend));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (global.output == OutputFormat.json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("backend", result.backend());
            root.put("services", result.outcomes().stream().map(CheckCommand::toJson).toList());
            out.println(Json.write(root));
        } else {
            out.printf("Backends: %s on 127.0.0.1, ssl_verify_client on%n", result.backend());
            for (CheckOutcome outcome : result.outcomes()) {
                out.printf("%s  %s  %s%n", outcome.service(), outcome.ok() ? "ok" : "FAILED", outcome.ok()
                        ? outcome.protocol() + " " + outcome.cipherSuite() + ", HTTP 200 from " + TerminalText.escape(outcome.host())
                                + " (127.0.0.1:" + outcome.port() + ")"
                        : TerminalText.escape(outcome.reason()));
            }
        }
        out.flush();
        List<CheckOutcome> failed = result.failed();
        if (!failed.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("mtls-cli: check: " + String.join("; ", failed.stream()
                    .map(outcome -> TerminalText.escape(outcome.reason())).toList()));
            err.flush();
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    private static Map<String, Object> toJson(CheckOutcome outcome) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("service", outcome.service());
        node.put("host", outcome.host());
        node.put("ok", outcome.ok());
        node.put("protocol", outcome.protocol());
        node.put("cipherSuite", outcome.cipherSuite());
        node.put("httpStatus", outcome.httpStatus());
        node.put("reason", outcome.reason());
        return node;
    }
}
