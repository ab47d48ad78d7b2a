package dev.mtlscli.check;

import dev.mtlscli.MtlsException;
import dev.mtlscli.demo.DemoBackend;
import dev.mtlscli.demo.NginxDemoBackend;
import dev.mtlscli.layer.LayerDirectoryWriter;
import dev.mtlscli.runtime.MtlsClient;
import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.runtime.MtlsRuntimeException;
import dev.mtlscli.runtime.tls.TlsPolicy;
import dev.mtlscli.store.InterruptCleanup;
import dev.mtlscli.workspace.ExistingWorkspace;
import dev.mtlscli.workspace.WorkspaceLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * `mtls-cli check` without the CLI: the workspace's layer directory is built as `layer build`
 * builds it, a loopback nginx serves each service's backend certificate and requires a client
 * certificate of the CA in servers/&lt;service&gt;/client-ca.pem, and the runtime calls each
 * backend with the layer and the workspace's passwords. Nothing leaves this machine; the
 * temporary directory (layer, nginx prefix) is removed at the end.
 */
public final class LocalCheck {
    private static final String TLS_1_2_AND_1_3 = DemoBackend.TLS_1_2_AND_1_3;

    /**
     * @param serverKeys    the backend key of a service, where the workspace has none (an imported one)
     * @param sslProtocols  nginx's ssl_protocols, null for nginx's own default (with asTheSample) or TLSv1.2 TLSv1.3
     * @param asTheSample   configure nginx as the AWS sample's backend (ssl_verify_depth 1) rather than depth 2
     */
    public record Request(List<String> services, Map<String, Path> serverKeys, String sslProtocols, boolean asTheSample) {
    }

    public record Result(String backend, List<CheckOutcome> outcomes) {
        public List<CheckOutcome> failed() {
            return outcomes.stream().filter(outcome -> !outcome.ok()).toList();
        }
    }

    private LocalCheck() {
    }

    public static Result run(ExistingWorkspace workspace, Request request) {
        List<String> services = workspace.select(request.services());
        for (String name : request.serverKeys().keySet()) {
            if (!workspace.services().contains(name)) {
                throw new MtlsException("--server-key names service '" + name + "', which is not in workspace "
                        + workspace.directory() + " (it has " + String.join(", ", workspace.services()) + ")");
            }
        }
        List<DemoBackend.Spec> backends = new ArrayList<>();
        for (String service : services) {
            backends.add(backend(workspace, service, request));
        }
        Path nginx = NginxDemoBackend.find().orElseThrow(() -> new MtlsException(
                "check runs the backends with nginx, which is neither on the PATH nor at /usr/sbin/nginx"));
        Path scratch = scratchDirectory();
        try {
            Path layer = scratch.resolve("layer");
            LayerDirectoryWriter.write(workspace, services, layer, false);
            try (NginxDemoBackend started = NginxDemoBackend.start(nginx, scratch.resolve("nginx"), backends)) {
                List<CheckOutcome> outcomes = new ArrayList<>();
                for (String service : services) {
                    outcomes.add(call(workspace, service, layer, started));
                }
                return new Result(started.description(), outcomes);
            }
        } finally {
            InterruptCleanup.deleteTree(scratch);
            InterruptCleanup.forget(scratch);
        }
    }

    private static DemoBackend.Spec backend(ExistingWorkspace workspace, String service, Request request) {
        Path key = request.serverKeys().get(service);
        if (key == null) {
            key = workspace.path(WorkspaceLayout.serverKey(service));
            if (!Files.isRegularFile(key)) {
                throw new MtlsException(service + ": the workspace has no backend key (" + WorkspaceLayout.serverKey(service)
                        + "; certs import leaves it with the backend): give --server-key " + service
                        + "=FILE, the key of nginx's ssl_certificate_key");
            }
        } else if (!Files.isRegularFile(key)) {
            throw new MtlsException("--server-key " + service + "=" + key + ": no such file");
        }
        Path chain = workspace.path(WorkspaceLayout.serverChain(service));
        Path clientCa = workspace.path(WorkspaceLayout.serverClientCa(service));
        for (Path file : List.of(chain, clientCa)) {
            if (!Files.isRegularFile(file)) {
                throw new MtlsException(service + ": the workspace has no " + workspace.directory().relativize(file));
            }
        }
        String json = "{\"service\": \"" + service + "\"}";
        String protocols = request.sslProtocols() != null ? request.sslProtocols() : request.asTheSample() ? null : TLS_1_2_AND_1_3;
        return new DemoBackend.Spec(service, chain.toAbsolutePath(), key.toAbsolutePath(), clientCa.toAbsolutePath(), json, protocols,
                request.asTheSample());
    }

    private static CheckOutcome call(ExistingWorkspace workspace, String service, Path layer, NginxDemoBackend backend) {
        int port = backend.port(service);
        String host = workspace.host(service);
        MtlsClient client;
        try {
            client = MtlsClients.builder()
                    .environment(Map.of())
                    .layerRoot(layer)
                    .tlsPolicy(TlsPolicy.DEFAULT)
                    .passwords(new WorkspacePasswordProvider(workspace, List.of(service)))
                    .services(service)
                    .build()
                    .client(service);
        } catch (MtlsRuntimeException e) {
            return new CheckOutcome(service, host, port, null, null, 0, e.getMessage());
        }
        BackendHandshake.Answer answer = BackendHandshake.call(client, port, workspace.trustStore(service));
        String reason = answer.failure();
        if (reason == null && answer.status() != 200) {
            reason = "mTLS call to " + service + " (" + host + ") failed: the backend answered HTTP " + answer.status()
                    + " after a " + answer.protocol() + " handshake" + nginxReason(backend.errorLog());
        }
        return new CheckOutcome(service, client.manifest().host(), port, answer.protocol(), answer.cipherSuite(), answer.status(), reason);
    }

    /** nginx says why it refused a client certificate only in its log (and answers 400 to the request). */
    private static String nginxReason(String log) {
        String refusal = log.lines()
                .filter(line -> line.contains("client SSL certificate verify error") || line.contains("client sent no required SSL certificate"))
                .reduce((first, second) -> second)
                .map(line -> line.replaceAll("^.*?\\[info\\] \\S+ \\*\\d+ ", "").replaceAll(" while reading client request headers.*$", ""))
                .orElse(null);
        if (refusal == null) {
            return "";
        }
        // the JDK sends a client certificate only of a CA the server names in its request
        String why = refusal.contains("no required SSL certificate")
                ? ": it asks for a client certificate of the CA in its ssl_client_certificate, and the keystore holds none of that CA, "
                        + "so none was sent"
                : ": it does not accept our client certificate";
        return why + " (nginx: " + refusal + ")";
    }

    private static Path scratchDirectory() {
        try {
            // 0700 on POSIX: it holds the layer's keystores while the check runs
            Path dir = Files.createTempDirectory("mtls-cli-check-");
            InterruptCleanup.register(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory: " + e.getMessage(), e);
        }
    }
}
