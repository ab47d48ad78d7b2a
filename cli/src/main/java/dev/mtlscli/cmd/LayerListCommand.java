package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.TerminalText;
import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.AwsNames;
import dev.mtlscli.json.Json;
import dev.mtlscli.layer.LayerLister;
import dev.mtlscli.layer.LayerVersionPolicy;
import dev.mtlscli.layer.ListedVersion;
import dev.mtlscli.layer.PublishOptions;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.workspace.ExistingWorkspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "list",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "List the published versions of the services' layers: when each expires, who it is granted to,",
                "and which SSM parameter versions its manifest pins."
        })
public final class LayerListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Mixin
    AwsOptions aws;

    @Option(names = "--service", paramLabel = "NAME",
            description = "Service whose layer to list; repeatable (default: the services of --workspace).")
    List<String> services = new ArrayList<>();

    @Option(names = "--layer-name", paramLabel = "NAME", defaultValue = PublishOptions.DEFAULT_LAYER_NAME,
            description = "Layer name; {service} is replaced by the service name (default: ${DEFAULT-VALUE}).")
    String layerName;

    @Option(names = "--workspace", paramLabel = "DIR", defaultValue = "mtls-certs",
            description = "Workspace whose services to list when no --service is given (default: ${DEFAULT-VALUE}).")
    Path workspace;

    @Override
    public Integer call() {
        List<String> layerNames = layerNames();
        Map<String, List<ListedVersion>> layers = new LinkedHashMap<>();
        try (AwsClients clients = AwsClients.connect(aws.settings())) {
            LayerLister lister = new LayerLister(clients.lambda());
            for (String name : layerNames) {
                List<ListedVersion> versions = lister.list(name);
                if (versions.isEmpty() && namedExplicitly()) {
                    throw new MtlsException("no layer named " + name + " in " + clients.region() + " (nothing published under that "
                            + "name; check --service/--layer-name and --region)");
                }
                layers.put(name, versions);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        Instant now = Instant.now();
        if (global.output == OutputFormat.json) {
            List<Object> nodes = new ArrayList<>();
            layers.forEach((name, versions) -> nodes.add(Map.of("layerName", name,
                    "versions", versions.stream().map(version -> toJson(version, now)).toList())));
            out.println(Json.write(Map.of("layers", nodes)));
        } else {
            layers.forEach((name, versions) -> printText(out, name, versions, now));
        }
        out.flush();
        boolean unreadable = layers.values().stream().flatMap(List::stream).anyMatch(v -> v.manifestProblem() != null);
        return unreadable ? ExitCodes.ATTENTION : ExitCodes.OK;
    }

    /** A layer the user named must exist; the layers of a workspace's services may not be published yet. */
    private boolean namedExplicitly() {
        return !services.isEmpty() || !layerName.contains("{service}");
    }

    private List<String> layerNames() {
        List<String> names = new ArrayList<>();
        if (!services.isEmpty()) {
            services.forEach(service -> names.add(layerName.replace("{service}", service)));
        } else if (!layerName.contains("{service}")) {
            names.add(layerName);
        } else if (Files.isDirectory(workspace)) {
            ExistingWorkspace.open(workspace).services().forEach(service -> names.add(layerName.replace("{service}", service)));
        } else {
            throw new MtlsException("name the layers to list: --service NAME, --layer-name NAME, or a --workspace");
        }
        names.forEach(AwsNames::layerName);
        return names.stream().distinct().toList();
    }

    private static void printText(PrintWriter out, String name, List<ListedVersion> versions, Instant now) {
        if (versions.isEmpty()) {
            out.printf("%s: no versions%n%n", name);
            return;
        }
        out.printf("%s%n", name);
        out.printf("  %-7s %-28s %-21s %6s  %-34s %s%n", "VERSION", "CREATED", "EXPIRES", "DAYS", "GRANTED TO", "PINS");
        for (ListedVersion version : versions) {
            // Everything here came from AWS or from inside the layer zip: escaped before it reaches a terminal.
            String grants = version.grants().isEmpty() ? "this account only"
                    : TerminalText.escape(String.join(", ", version.grants().stream().map(LayerVersionPolicy.Statement::describe).toList()));
            String created = TerminalText.escape(version.createdDate());
            if (version.manifests().isEmpty() || version.manifestProblem() != null) {
                out.printf("  %-7d %-28s %-21s %6s  %-34s %s%n", version.version(), created, "?", "?", grants,
                        "(unreadable: " + TerminalText.escape(version.manifestProblem()) + ")");
            }
            for (LayerManifest manifest : version.manifests()) {
                out.printf("  %-7d %-28s %-21s %6d  %-34s %s, %s%n", version.version(), created,
                        manifest.certificateNotAfter(), daysLeft(manifest, now), grants,
                        TerminalText.escape(manifest.keyStore().password().selector()),
                        TerminalText.escape(manifest.trustStore().password().selector()));
            }
        }
        out.println();
    }

    private static long daysLeft(LayerManifest manifest, Instant now) {
        return Math.floorDiv(Duration.between(now, manifest.certificateNotAfter()).toHours(), 24);
    }

    private static Map<String, Object> toJson(ListedVersion version, Instant now) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("version", version.version());
        node.put("layerVersionArn", version.layerVersionArn());
        node.put("createdDate", version.createdDate());
        node.put("description", version.description());
        node.put("compatibleRuntimes", version.compatibleRuntimes());
        List<Object> grants = new ArrayList<>();
        for (LayerVersionPolicy.Statement statement : version.grants()) {
            Map<String, Object> grant = new LinkedHashMap<>();
            grant.put("statementId", statement.sid());
            grant.put("principal", statement.principal());
            grant.put("organizationId", statement.organizationId());
            grants.add(grant);
        }
        node.put("grants", grants);
        List<Object> manifests = new ArrayList<>();
        for (LayerManifest manifest : version.manifests()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("service", manifest.service());
            entry.put("host", manifest.host());
            entry.put("notAfter", manifest.certificateNotAfter().toString());
            entry.put("daysLeft", daysLeft(manifest, now));
            entry.put("certificateSha256", manifest.certificateSha256());
            entry.put("keyStorePasswordParameter", manifest.keyStore().password().selector());
            entry.put("trustStorePasswordParameter", manifest.trustStore().password().selector());
            manifests.add(entry);
        }
        node.put("manifests", manifests);
        node.put("manifestProblem", version.manifestProblem());
        return node;
    }
}
