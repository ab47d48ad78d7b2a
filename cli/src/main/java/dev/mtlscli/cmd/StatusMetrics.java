package dev.mtlscli.cmd;

import dev.mtlscli.aws.Arns;
import dev.mtlscli.rotation.InventoryLayer;
import dev.mtlscli.rotation.InventoryVersion;
import dev.mtlscli.rotation.ManifestKeyPolicy;
import dev.mtlscli.rotation.RegionalStatus;
import dev.mtlscli.runtime.layer.LayerManifest;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * `status --output prometheus`: the fleet as gauges in the Prometheus text exposition format
 * (version 0.0.4), for a scraper or a push from a scheduled job. Every sample is labeled with
 * the account and region; label values are escaped as the format requires.
 */
final class StatusMetrics {
    private final Map<String, Metric> metrics = new LinkedHashMap<>();

    private record Metric(String help, List<String> samples) {
    }

    private StatusMetrics() {
        declare("mtls_layer_version_days_to_expiry",
                "Days until the client certificate of a layer version expires (negative once expired).");
        declare("mtls_layer_version_functions", "Functions whose configuration uses the layer version.");
        declare("mtls_layer_version_needs_attention",
                "1 when a layer version in use expires within the renewal window, has expired, is weak, or its manifest cannot be read.");
        declare("mtls_layer_version_weak",
                "1 when the client certificate of a layer version breaks the key and signature policy, 0 when it meets it (absent when its manifest does not record the certificate).");
        declare("mtls_layer_newest_version", "The newest version of the layer.");
        declare("mtls_layer_functions_behind", "Functions on an older version of the layer than its newest.");
        declare("mtls_layer_version_functions_by_account", "Functions using the layer version, by the account they run in.");
        declare("mtls_status_region_up", "1 when the account and region could be read, 0 when not.");
        declare("mtls_status_function_account_up",
                "1 when the functions of an account (--accounts, --organization) could be read in the region, 0 when not.");
    }

    static void print(PrintWriter out, List<RegionalStatus> fleet) {
        StatusMetrics metrics = new StatusMetrics();
        for (RegionalStatus regional : fleet) {
            metrics.add(regional);
        }
        metrics.metrics.forEach((name, metric) -> {
            out.println("# HELP " + name + " " + metric.help());
            out.println("# TYPE " + name + " gauge");
            metric.samples().forEach(out::println);
        });
    }

    private void declare(String name, String help) {
        metrics.put(name, new Metric(help, new ArrayList<>()));
    }

    private void add(RegionalStatus regional) {
        Map<String, String> where = new LinkedHashMap<>();
        where.put("account", regional.account() == null ? "" : regional.account());
        where.put("region", regional.region());
        sample("mtls_status_region_up", where, regional.ok() ? 1 : 0);
        if (!regional.ok()) {
            return;
        }
        for (String account : regional.report().consumerAccounts()) {
            Map<String, String> ofAccount = new LinkedHashMap<>(where);
            ofAccount.put("function_account", account);
            sample("mtls_status_function_account_up", ofAccount, regional.report().failedAccounts().containsKey(account) ? 0 : 1);
        }
        for (InventoryLayer layer : regional.report().layers()) {
            Map<String, String> ofLayer = new LinkedHashMap<>(where);
            ofLayer.put("layer", layer.layerName());
            OptionalLong newest = layer.newestVersion();
            if (newest.isPresent()) {
                sample("mtls_layer_newest_version", ofLayer, newest.getAsLong());
            }
            sample("mtls_layer_functions_behind", ofLayer, layer.functionsOnOlderVersions());
            for (InventoryVersion version : layer.versions()) {
                Map<String, String> ofVersion = new LinkedHashMap<>(ofLayer);
                ofVersion.put("version", Long.toString(version.version()));
                sample("mtls_layer_version_functions", ofVersion, version.functions().size());
                sample("mtls_layer_version_needs_attention", ofVersion, version.needsAttention() ? 1 : 0);
                Map<String, Long> byAccount = new java.util.TreeMap<>();
                version.functions().forEach(function -> byAccount.merge(Objects.requireNonNullElse(Arns.account(function.functionArn()), ""), 1L,
                        Long::sum));
                byAccount.forEach((account, count) -> {
                    Map<String, String> ofAccount = new LinkedHashMap<>(ofVersion);
                    ofAccount.put("function_account", account);
                    sample("mtls_layer_version_functions_by_account", ofAccount, count);
                });
                for (LayerManifest manifest : version.manifests()) {
                    Map<String, String> ofService = new LinkedHashMap<>(ofVersion);
                    ofService.put("service", manifest.service());
                    sample("mtls_layer_version_days_to_expiry", ofService,
                            InventoryVersion.daysLeft(regional.report().checkedAt(), manifest.certificateNotAfter()));
                    ManifestKeyPolicy.Verdict verdict = ManifestKeyPolicy.verdict(manifest);
                    if (verdict != ManifestKeyPolicy.Verdict.UNKNOWN) {
                        sample("mtls_layer_version_weak", ofService, verdict == ManifestKeyPolicy.Verdict.WEAK ? 1 : 0);
                    }
                }
            }
        }
    }

    private void sample(String name, Map<String, String> labels, long value) {
        StringBuilder line = new StringBuilder(name).append('{');
        String separator = "";
        for (Map.Entry<String, String> label : labels.entrySet()) {
            line.append(separator).append(label.getKey()).append("=\"").append(escape(label.getValue())).append('"');
            separator = ",";
        }
        metrics.get(name).samples().add(line.append("} ").append(value).toString());
    }

    /** Label values: backslash, double quote and line feed escaped; other control characters cannot come from AWS names. */
    static String escape(String value) {
        StringBuilder escaped = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> escaped.append("\\\\");
                case '"' -> escaped.append("\\\"");
                case '\n' -> escaped.append("\\n");
                default -> escaped.append(Character.isISOControl(c) ? ' ' : c);
            }
        }
        return escaped.toString();
    }
}
