package dev.mtlscli.cmd;

import dev.mtlscli.json.Json;
import dev.mtlscli.layer.PlannedCall;
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
        if (format == OutputFormat.json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("dryRun", true);
            root.put("region", region.id());
            root.put("calls", calls.stream().map(Plans::toJson).toList());
            out.println(Json.write(root));
        } else {
            out.println("Dry run: nothing was called or changed. In " + region.id() + " mtls-cli would call:");
            for (PlannedCall call : calls) {
                out.printf("  %s %s %s%n      %s%s%n", call.service(), call.operation(), call.target(), call.detail(),
                        call.when() == null ? "" : "; only if " + call.when());
            }
        }
        out.flush();
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
