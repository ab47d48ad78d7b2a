package dev.mtlscli.cmd;

import dev.mtlscli.TerminalText;
import dev.mtlscli.json.Json;
import dev.mtlscli.pki.Fingerprints;
import dev.mtlscli.workspace.WorkspaceLayout;
import dev.mtlscli.workspace.WorkspaceRekey;
import dev.mtlscli.workspace.WorkspaceRekey.RekeyedService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "rekey",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
                "Give a workspace new keys, locally and without AWS: for each service a new client key pair and a new backend "
                        + "server key pair, and new passwords for every store and CA key. Run it right after certs import: the "
                        + "imported keys are still in the old stores and layer versions, under their old password.",
                "By default the new certificates come from the service's CA. With --new-ca each service gets a new CA, and its "
                        + "truststore and the backend's client-CA bundle trust the old and the new CA until "
                        + "rotate --complete-ca-rollover; only then does the backend refuse the old client certificates.",
                "The workspace is replaced as a whole (copy, change, rename), under its lock: a failure leaves it as it was."
        })
public final class CertsRekeyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Option(names = "--workspace", paramLabel = "DIR", defaultValue = "mtls-certs",
            description = "The workspace to re-key (default: ${DEFAULT-VALUE}).")
    Path workspace;

    @Option(names = "--service", paramLabel = "NAME", split = ",",
            description = "Re-key only these services (repeatable or comma-separated); default: every service of the workspace.")
    List<String> services = new ArrayList<>();

    @Option(names = "--new-ca", description = "Issue from a new CA per service, trusted beside the old one until the rollover "
            + "is completed; the only way for a service imported without its CA key.")
    boolean newCa;

    @Override
    public Integer call() {
        WorkspaceRekey.Result result = new WorkspaceRekey(new SecureRandom()).rekey(workspace, services, newCa);
        PrintWriter out = spec.commandLine().getOut();
        if (global.output == OutputFormat.json) {
            out.println(Json.write(toJson(result)));
        } else {
            printText(out, result);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private void printText(PrintWriter out, WorkspaceRekey.Result result) {
        String ws = TerminalText.escape(result.directory());
        out.printf("Re-keyed %d service%s in %s: new key pairs, new passwords in %s%n", result.services().size(),
                result.services().size() == 1 ? "" : "s", ws, WorkspaceLayout.passwords());
        for (RekeyedService service : result.services()) {
            out.printf("%n%s%n", service.service());
            out.printf("  client   %s  (was %s)%n", Fingerprints.sha256(service.client()), Fingerprints.sha256(service.previousClient()));
            out.printf("  backend  %s  (was %s): deploy %s, %s%n", Fingerprints.sha256(service.server()),
                    service.previousServer() == null ? "none" : Fingerprints.sha256(service.previousServer()),
                    WorkspaceLayout.serverChain(service.service()), WorkspaceLayout.serverKey(service.service()));
            if (service.newCaCreated()) {
                out.printf("  ca       new: %s; the old one (%s) stays trusted until the rollover is completed%n",
                        TerminalText.escape(service.newCa().getSubjectX500Principal().getName()),
                        TerminalText.escape(service.oldCa().getSubjectX500Principal().getName()));
                out.printf("           deploy %s (both CAs) to the backend before the new clients call it%n",
                        WorkspaceLayout.serverClientCa(service.service()));
            } else {
                out.printf("  ca       the same: %s; its old client certificate stays valid at the backend until %s "
                                + "(to refuse it sooner: certs rekey --new-ca)%n",
                        TerminalText.escape(service.newCa().getSubjectX500Principal().getName()), service.previousClient().getNotAfter().toInstant());
            }
        }
        out.printf("%nNext: mtls-cli layer publish --workspace %s, then move the functions (mtls-cli rotate --service NAME "
                + "--workspace %s), then delete the layer versions with the old keys (mtls-cli rotate --service NAME --prune "
                + "--grace-days 0; other layers: aws lambda delete-layer-version)%n", ws, ws);
    }

    private static Map<String, Object> toJson(WorkspaceRekey.Result result) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("directory", result.directory().toString());
        List<Object> services = new ArrayList<>();
        for (RekeyedService service : result.services()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("name", service.service());
            node.put("client", Fingerprints.sha256(service.client()));
            node.put("previousClient", Fingerprints.sha256(service.previousClient()));
            node.put("server", Fingerprints.sha256(service.server()));
            node.put("previousServer", service.previousServer() == null ? null : Fingerprints.sha256(service.previousServer()));
            node.put("ca", Fingerprints.sha256(service.newCa()));
            node.put("previousCa", Fingerprints.sha256(service.oldCa()));
            node.put("newCa", service.newCaCreated());
            node.put("previousClientValidUntil", service.previousClient().getNotAfter().toInstant().toString());
            services.add(node);
        }
        root.put("services", services);
        return root;
    }
}
