package dev.mtlscli.cmd;

import dev.mtlscli.json.Json;
import dev.mtlscli.layer.PlannedCall;
import dev.mtlscli.layer.PlannedLayer;
import software.amazon.awssdk.regions.Region;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints the calls of a --dry-run, as text or JSON. */
final class Plans {
    private Plans() {
    }

    static void print(PrintWriter out, OutputFormat format, Region region, List<PlannedCall> calls) {
        print(out, format, region, calls, List.of());
    }

    /** The calls, then what each layer published would hold. */
    static void print(PrintWriter out, OutputFormat format, Region region, List<PlannedCall> calls, List<PlannedLayer> layers) {
        if (format == OutputFormat.json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("dryRun", true);
            root.put("region", region.id());
            root.put("calls", calls.stream().map(Plans::toJson).toList());
            if (!layers.isEmpty()) {
                root.put("layers", layers.stream().map(Plans::toJson).toList());
            }
            out.println(Json.write(root));
        } else {
            out.println("Dry run: nothing was called or changed. In " + region.id() + " mtls-cli would call:");
            for (PlannedCall call : calls) {
                out.printf("  %s %s %s%n      %s%s%n", call.service(), call.operation(), call.target(), call.detail(),
                        call.when() == null ? "" : "; only if " + call.when());
            }
            for (PlannedLayer layer : layers) {
                out.printf("%nLayer %s would hold (SHA-256 as sha256sum prints it):%n", layer.layerName());
                for (PlannedLayer.PlannedFile file : layer.files()) {
                    out.printf("  %-36s %7d bytes  %s%s%n", file.path(), file.size(), file.sha256(),
                            file.dependsOnVersions() ? "  (with both parameters at version " + PlannedLayer.FIRST_VERSION
                                    + "; other versions change it)" : "");
                }
                out.println("  its manifest would pin:");
                for (String parameter : layer.parameters()) {
                    out.printf("    %s  %s%n", parameter, VERSION_RULE);
                }
            }
        }
        out.flush();
    }

    /** How publish chooses a pinned version (see ParameterPublisher), which a dry run, calling nothing, cannot resolve. */
    private static final String VERSION_RULE = "the newest version if it holds the workspace's password, else the next version "
            + "(1 if the parameter does not exist)";

    private static Map<String, Object> toJson(PlannedLayer layer) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("service", layer.service());
        node.put("layerName", layer.layerName());
        List<Object> files = new java.util.ArrayList<>();
        for (PlannedLayer.PlannedFile file : layer.files()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("path", file.path());
            entry.put("size", file.size());
            entry.put("sha256", file.sha256());
            entry.put("dependsOnParameterVersions", file.dependsOnVersions());
            files.add(entry);
        }
        node.put("files", files);
        node.put("manifestShownWithVersion", PlannedLayer.FIRST_VERSION);
        List<Object> parameters = new java.util.ArrayList<>();
        for (String parameter : layer.parameters()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", parameter);
            entry.put("version", VERSION_RULE);
            parameters.add(entry);
        }
        node.put("parameters", parameters);
        return node;
    }

    private static Map<String, Object> toJson(PlannedCall call) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("service", call.service());
        node.put("operation", call.operation());
        node.put("target", call.target());
        node.put("detail", call.detail());
        node.put("when", call.when());
        return node;
    }
}
