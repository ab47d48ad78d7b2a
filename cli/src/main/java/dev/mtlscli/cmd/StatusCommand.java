package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.TerminalText;
import dev.mtlscli.aws.Arns;
import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.ControlPlaneRateLimiter;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.json.Json;
import dev.mtlscli.rotation.FunctionInventory;
import dev.mtlscli.rotation.FunctionLayers;
import dev.mtlscli.rotation.InventoryLayer;
import dev.mtlscli.rotation.InventoryVersion;
import dev.mtlscli.rotation.ManifestKeyPolicy;
import dev.mtlscli.rotation.RegionalStatus;
import dev.mtlscli.rotation.StatusInventory;
import dev.mtlscli.rotation.StatusQuery;
import dev.mtlscli.rotation.StatusReport;
import dev.mtlscli.scheduled.ScheduledStatus;
import dev.mtlscli.runtime.layer.LayerManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

@Command(name = "status",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Inventory of the mtls layers of the account and region: each version's",
                "certificate expiry, the SSM parameter versions it pins, the functions on it.",
                "Exit code 3 when a version in use expires within --renew-before days, has",
                "expired, or has no readable manifest."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:no layer version in use needs attention",
                "1:failed",
                "2:usage error",
                "3:a layer version in use expires within --renew-before days, has expired, or its manifest cannot be read"
        })
public final class StatusCommand implements Callable<Integer> {
    private static final int NAMES_SHOWN = 20;
    /** A progress line on stderr after every so many accounts read. */
    static final int PROGRESS_EVERY = 100;

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Mixin
    AwsOptions aws;

    @Mixin
    LambdaRateOptions lambdaRates;

    // one for the run: a region's clients, and those of its accounts, share its buckets
    private ControlPlaneRateLimiter limiter;

    @Option(names = "--layer", paramLabel = "NAME",
            description = "Layer to inventory; repeatable (default: every layer whose name starts with --layer-prefix).")
    List<String> layers = new ArrayList<>();

    @Option(names = "--layer-prefix", paramLabel = "PREFIX",
            description = "Find the layers by this name prefix with ListLayers (default: " + StatusQuery.DEFAULT_LAYER_PREFIX + ").")
    String layerPrefix;

    @Option(names = "--renew-before", paramLabel = "DAYS", defaultValue = "" + StatusQuery.DEFAULT_RENEW_BEFORE_DAYS,
            description = "Renewal window: a certificate in use that expires within DAYS needs attention (default: ${DEFAULT-VALUE}).")
    int renewBeforeDays;

    @Option(names = "--regions", paramLabel = "REGION[,REGION...]",
            description = "Inventory each of these regions (comma-separated) into one view (default: the one region of --region).")
    List<String> regions = new ArrayList<>();

    @Mixin
    AccountsOptions fleetAccounts;

    @Option(names = "--lease-table", paramLabel = "NAME|ARN", defaultValue = "${env:MTLS_LEASE_TABLE}",
            description = "Also show each service's scheduled rotation from the rotator's state table: its last run, how it ended "
                    + "and by when the next is due; a failed or overdue run needs attention (default: MTLS_LEASE_TABLE).")
    String stateTable;

    @Override
    public Integer call() {
        fleetAccounts.check();
        limiter = lambdaRates.limiter();
        StatusQuery query = StatusQuery.of(layers, layerPrefix, renewBeforeDays, Instant.now());
        List<AwsSettings> targets = aws.settings().perRegion(CommaSeparated.elements(spec.commandLine(), "--regions", regions));
        boolean fleetView = targets.size() > 1 || fleetAccounts.any() || global.output == OutputFormat.prometheus;
        if (!fleetView) {
            return single(query, targets.get(0));
        }
        // Each region is shown as soon as it is read, in the order given: over thousands of
        // accounts the first region's view comes out long before the last one is read.
        PrintWriter out = spec.commandLine().getOut();
        if (global.output == OutputFormat.json) {
            out.println("{\"regions\": [");
        }
        List<RegionalStatus> fleet = new ArrayList<>();
        for (AwsSettings target : targets) {
            RegionalStatus regional;
            // one region that cannot be read leaves a hole in the view, not no view at all
            try (AwsClients clients = AwsClients.connect(target, limiter)) {
                regional = RegionalStatus.read(clients.region().id(), inventory(clients, query));
            } catch (RuntimeException e) {
                if (targets.size() == 1 && global.output == OutputFormat.text && !fleetAccounts.any()) {
                    throw e;
                }
                regional = RegionalStatus.failed(target.region() == null ? "(default)" : target.region(),
                        TerminalText.escape(String.valueOf(e.getMessage())));
            }
            switch (global.output) {
                case json -> {
                    if (regional.ok()) {
                        Map<String, Object> node = toJson(regional.report(), regional.region());
                        node.put("account", regional.account());
                        out.print((fleet.stream().anyMatch(RegionalStatus::ok) ? ",\n" : "") + Json.write(node));
                    }
                }
                case text -> printRegion(out, regional);
                default -> {
                    // the metrics of a family must stand together: they are printed once all regions are read
                }
            }
            out.flush();
            fleet.add(regional);
        }
        List<ScheduledStatus.Entry> scheduled = global.output == OutputFormat.prometheus ? null
                : scheduled(targets.get(0), fleet.stream().filter(RegionalStatus::ok).map(RegionalStatus::report).toList());
        switch (global.output) {
            case prometheus -> StatusMetrics.print(out, fleet);
            case json -> {
                Map<String, Object> end = fleetJsonEnd(fleet);
                if (scheduled != null) {
                    end.put("scheduled", scheduledJson(scheduled));
                }
                out.println(Json.write(end).replaceFirst("^\\{", "],"));
            }
            default -> {
                printFleet(out, fleet);
                printScheduled(out, scheduled);
            }
        }
        out.flush();
        List<String> failed = fleet.stream().filter(regional -> !regional.ok()).map(RegionalStatus::region).toList();
        Map<String, StatusReport> read = new LinkedHashMap<>();
        fleet.stream().filter(RegionalStatus::ok).forEach(regional -> read.put(regional.region(), regional.report()));
        if (failed.isEmpty()) {
            failIfAccountsMissing(read);
        }
        if (!failed.isEmpty()) {
            throw new MtlsException("could not read " + String.join(", ", failed) + "; the view above lacks "
                    + (failed.size() == 1 ? "it" : "them"));
        }
        boolean scheduleAttention = scheduled != null && scheduled.stream().anyMatch(ScheduledStatus.Entry::needsAttention);
        return scheduleAttention || fleet.stream().anyMatch(regional -> regional.report().needsAttention()) ? ExitCodes.ATTENTION : ExitCodes.OK;
    }

    private Integer single(StatusQuery query, AwsSettings settings) {
        StatusReport report;
        String region;
        try (AwsClients clients = AwsClients.connect(settings, limiter)) {
            region = clients.region().id();
            report = inventory(clients, query);
        }
        if (layers != null && !layers.isEmpty()) {
            for (InventoryLayer layer : report.layers()) {
                if (layer.versions().isEmpty()) {
                    throw new MtlsException("no layer named " + layer.layerName() + " in " + region
                            + " (nothing published under that name and no function uses it; check --layer and --region)");
                }
            }
        }
        List<ScheduledStatus.Entry> scheduled = scheduled(settings, List.of(report));
        PrintWriter out = spec.commandLine().getOut();
        if (global.output == OutputFormat.json) {
            Map<String, Object> json = toJson(report, region);
            if (scheduled != null) {
                json.put("scheduled", scheduledJson(scheduled));
            }
            out.println(Json.write(json));
        } else {
            printText(out, report, region);
            printScheduled(out, scheduled);
        }
        out.flush();
        failIfAccountsMissing(Map.of(region, report));
        boolean scheduleAttention = scheduled != null && scheduled.stream().anyMatch(ScheduledStatus.Entry::needsAttention);
        return report.needsAttention() || scheduleAttention ? ExitCodes.ATTENTION : ExitCodes.OK;
    }

    /** The scheduled rotation of each service the reports found, from --lease-table; null when no table is named. */
    private List<ScheduledStatus.Entry> scheduled(AwsSettings settings, List<StatusReport> reports) {
        if (stateTable == null || stateTable.isBlank()) {
            return null;
        }
        java.util.TreeSet<String> services = new java.util.TreeSet<>();
        for (StatusReport report : reports) {
            for (InventoryLayer layer : report.layers()) {
                layer.versions().forEach(version -> version.manifests().forEach(manifest -> services.add(manifest.service())));
            }
        }
        try (AwsClients home = AwsClients.connect(settings); LeaseOptions.Table table = LeaseOptions.openTable(stateTable, settings)) {
            return ScheduledStatus.read(table.dynamoDb(home), table.name(), List.copyOf(services), Instant.now());
        }
    }

    private static void printScheduled(PrintWriter out, List<ScheduledStatus.Entry> scheduled) {
        if (scheduled == null) {
            return;
        }
        out.println();
        out.println("scheduled rotation:");
        if (scheduled.isEmpty()) {
            out.println("  no service found in the layers, so none to look up");
        }
        for (ScheduledStatus.Entry entry : scheduled) {
            out.println("  " + entry.service() + ": " + TerminalText.escape(entry.describe()));
        }
    }

    private static Map<String, Object> scheduledJson(List<ScheduledStatus.Entry> scheduled) {
        Map<String, Object> json = new LinkedHashMap<>();
        scheduled.forEach(entry -> json.put(entry.service(), entry.toJson()));
        return json;
    }

    /** An account whose functions could not be read leaves the view incomplete: exit 1 after it is shown. */
    private static void failIfAccountsMissing(Map<String, StatusReport> reports) {
        List<String> missing = new ArrayList<>();
        reports.forEach((region, report) -> report.failedAccounts().keySet().forEach(account -> missing.add(account + " in " + region)));
        if (!missing.isEmpty()) {
            throw new MtlsException("could not read the functions of " + String.join(", ", missing)
                    + " (see above); the view lacks them");
        }
    }

    /** The region's inventory, with the functions of the other accounts asked for, each through its assumed role. */
    private StatusReport inventory(AwsClients clients, StatusQuery query) {
        List<String> others = fleetAccounts.any() ? fleetAccounts.others(clients, clients.sts().getCallerIdentity().account()) : List.of();
        String region = clients.region().id();
        PrintWriter err = spec.commandLine().getErr();
        return new StatusInventory(clients.lambda()).read(query, others, account -> {
            // one account's clients at a time, closed once its functions are read: held open until
            // the end, each account's SDK clients made a status of 10,000 accounts grow without bound
            try (AwsClients inAccount = clients.inAccount(account, fleetAccounts.roleName)) {
                return FunctionInventory.read(inAccount.lambda());
            }
        }, (done, total) -> {
            // plain lines, on a terminal and in a CI log alike: a long run shows it is alive
            if (done % PROGRESS_EVERY == 0) {
                err.printf("status: %d of %d accounts read in %s%n", done, total, region);
                err.flush();
            }
        });
    }

    // ---- fleet

    /** A region as `status` shows one, under its name and account. */
    private static void printRegion(PrintWriter out, RegionalStatus regional) {
        out.printf("== %s%s%n", regional.region(), regional.account() == null ? "" : " (account " + regional.account() + ")");
        if (regional.ok()) {
            printText(out, regional.report(), regional.region());
        } else {
            out.printf("could not be read: %s%n", regional.failure());
        }
        out.println();
    }

    /** One table of every layer version in use across the fleet, after the regions. */
    private static void printFleet(PrintWriter out, List<RegionalStatus> fleet) {
        out.printf("FLEET (functions by the account they run in)%n  %-14s %-12s %-24s %8s %6s  %-11s %9s%n", "REGION", "ACCOUNT",
                "LAYER", "VERSION", "DAYS", "STATE", "FUNCTIONS");
        boolean attention = false;
        for (RegionalStatus regional : fleet) {
            if (!regional.ok()) {
                out.printf("  %-14s %-12s %s%n", regional.region(), "?", "could not be read");
                continue;
            }
            for (InventoryLayer layer : regional.report().layers()) {
                OptionalLong newest = layer.newestVersion();
                for (InventoryVersion version : layer.versions()) {
                    if (!version.inUse() && !(newest.isPresent() && newest.getAsLong() == version.version())) {
                        continue;
                    }
                    attention |= version.needsAttention();
                    String label = version.version() + (newest.isPresent() && newest.getAsLong() == version.version() ? "*" : "");
                    Map<String, Integer> byAccount = new java.util.TreeMap<>();
                    for (FunctionLayers function : version.functions()) {
                        byAccount.merge(Objects.requireNonNullElse(Arns.account(function.functionArn()),
                                Objects.requireNonNullElse(regional.account(), "?")), 1, Integer::sum);
                    }
                    if (byAccount.isEmpty()) {
                        byAccount.put(regional.account() == null ? "?" : regional.account(), 0);
                    }
                    byAccount.forEach((account, count) -> out.printf("  %-14s %-12s %-24s %8s %6s  %-11s %9d%n", regional.region(),
                            account, TerminalText.escape(layer.layerName()), label,
                            version.notAfter() == null ? "?" : Long.toString(version.daysLeft()),
                            version.state().id() + (version.needsAttention() ? "!" : ""), count));
                }
            }
        }
        out.printf("(versions in use and the newest of each layer; * newest, ! needs attention)%n");
        out.printf(attention ? "NEEDS ATTENTION: see the regions above.%n" : "OK: nothing in use needs attention.%n");
    }

    /** What follows the streamed regions in the JSON document. */
    private static Map<String, Object> fleetJsonEnd(List<RegionalStatus> fleet) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        boolean attention = false;
        for (RegionalStatus regional : fleet) {
            if (regional.ok()) {
                attention |= regional.report().needsAttention();
            } else {
                failed.put(regional.region(), regional.failure());
            }
        }
        root.put("failedRegions", failed);
        root.put("needsAttention", attention);
        return root;
    }

    // ---- text

    private static void printText(PrintWriter out, StatusReport report, String region) {
        // Layer and function names come from AWS, pins and problems from inside layer zips: all
        // of it is escaped before it reaches a terminal.
        String selection = TerminalText.escape(report.layerPrefix() != null ? "layers " + report.layerPrefix() + "*"
                : "layers " + String.join(", ", report.layers().stream().map(InventoryLayer::layerName).toList()));
        out.printf("%s in %s, renewal window %d days, checked %s%n", selection, region, report.renewBeforeDays(),
                report.checkedAt().truncatedTo(ChronoUnit.SECONDS));
        if (!report.consumerAccounts().isEmpty()) {
            out.printf("functions counted in the layers' account and in %s%n", String.join(", ", report.consumerAccounts()));
        }
        report.failedAccounts().forEach((account, why) -> out.printf("functions of account %s NOT READ: %s%n", account,
                TerminalText.escape(why)));
        out.println();
        if (report.layers().isEmpty()) {
            out.printf("no layers found%n%n");
        }
        for (InventoryLayer layer : report.layers()) {
            printLayer(out, layer, report.checkedAt());
        }
        if (!report.layers().isEmpty()) {
            out.printf("(* newest version, ! in use and needs attention)%n%n");
        }
        List<InventoryVersion> attention = report.attention();
        if (attention.isEmpty()) {
            out.printf("OK: no layer version in use expires within %d days, is weak or cannot be read.%n", report.renewBeforeDays());
            return;
        }
        out.printf("NEEDS ATTENTION (%d):%n", attention.size());
        for (InventoryVersion version : attention) {
            out.printf("  %s:%d %s; used by %s: %s%n", TerminalText.escape(version.layerName()), version.version(),
                    TerminalText.escape(finding(version, report.renewBeforeDays())), count(version.functions().size(), "function"),
                    names(version));
        }
    }

    private static void printLayer(PrintWriter out, InventoryLayer layer, Instant now) {
        if (layer.versions().isEmpty()) {
            out.printf("%s: no versions%n%n", TerminalText.escape(layer.layerName()));
            return;
        }
        OptionalLong newest = layer.newestVersion();
        out.printf("%s: newest version %s, %s on it, %s on older versions%n", TerminalText.escape(layer.layerName()),
                newest.isPresent() ? Long.toString(newest.getAsLong()) : "none (all deleted)",
                count(layer.functionsOnNewestVersion(), "function"), count(layer.functionsOnOlderVersions(), "function"));
        out.printf("  %-8s %-21s %6s  %-11s %9s  %s%n", "VERSION", "EXPIRES", "DAYS", "STATE", "FUNCTIONS", "PINS");
        for (InventoryVersion version : layer.versions()) {
            String label = version.version() + (newest.isPresent() && newest.getAsLong() == version.version() ? "*" : "");
            String state = version.state().id() + (version.needsAttention() ? "!" : "");
            if (version.manifests().isEmpty()) {
                out.printf("  %-8s %-21s %6s  %-11s %9d  (%s)%n", label, version.deleted() ? "(deleted)" : "?", "?", state,
                        version.functions().size(), "unreadable: " + TerminalText.escape(version.manifestProblem()));
            }
            for (LayerManifest manifest : version.manifests()) {
                out.printf("  %-8s %-21s %6d  %-11s %9d  %s, %s%n", label, manifest.certificateNotAfter(),
                        InventoryVersion.daysLeft(now, manifest.certificateNotAfter()), state,
                        version.functions().size(), TerminalText.escape(manifest.keyStore().password().selector()),
                        TerminalText.escape(manifest.trustStore().password().selector()));
            }
            if (version.inUse()) {
                out.printf("           used by: %s%n", names(version));
            }
        }
        out.println();
    }

    private static String finding(InventoryVersion version, long renewBeforeDays) {
        return switch (version.state()) {
            case EXPIRED -> "expired " + version.notAfter() + " (" + -version.daysLeft() + " days ago)";
            case RENEW -> "expires " + version.notAfter() + " (" + version.daysLeft() + " days left), inside the "
                    + renewBeforeDays + "-day renewal window";
            case WEAK -> "weak client certificate (" + String.join("; ", version.weaknesses()) + "): rotate renews it with a new key";
            case UNREADABLE -> "manifest cannot be read: " + version.manifestProblem();
            case OK -> "ok";
        };
    }

    /** The names of the functions on a version; the first {@value #NAMES_SHOWN}, --output json lists all. */
    private static String names(InventoryVersion version) {
        List<String> names = version.functionNames().stream().map(TerminalText::escape).toList();
        if (names.size() <= NAMES_SHOWN) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, NAMES_SHOWN)) + " and " + (names.size() - NAMES_SHOWN)
                + " more (--output json lists all)";
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    // ---- json

    private static Map<String, Object> toJson(StatusReport report, String region) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("region", region);
        root.put("checkedAt", report.checkedAt().toString());
        root.put("renewBeforeDays", report.renewBeforeDays());
        root.put("layerPrefix", report.layerPrefix());
        root.put("needsAttention", report.needsAttention());
        root.put("consumerAccounts", report.consumerAccounts());
        root.put("failedAccounts", report.failedAccounts());
        List<Object> layers = new ArrayList<>();
        for (InventoryLayer layer : report.layers()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("layerName", layer.layerName());
            node.put("layerArn", layer.layerArn());
            OptionalLong newest = layer.newestVersion();
            node.put("newestVersion", newest.isPresent() ? newest.getAsLong() : null);
            node.put("functionsOnNewestVersion", layer.functionsOnNewestVersion());
            node.put("functionsOnOlderVersions", layer.functionsOnOlderVersions());
            node.put("needsAttention", layer.needsAttention());
            node.put("versions", layer.versions().stream().map(version -> toJson(version, newest, report.checkedAt())).toList());
            layers.add(node);
        }
        root.put("layers", layers);
        List<Object> attention = new ArrayList<>();
        for (InventoryVersion version : report.attention()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("layerName", version.layerName());
            node.put("version", version.version());
            node.put("layerVersionArn", version.layerVersionArn());
            node.put("state", version.state().id());
            node.put("message", finding(version, report.renewBeforeDays()));
            node.put("functions", version.functionNames());
            attention.add(node);
        }
        root.put("attention", attention);
        return root;
    }

    private static Map<String, Object> toJson(InventoryVersion version, OptionalLong newest, Instant now) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("version", version.version());
        node.put("layerVersionArn", version.layerVersionArn());
        node.put("newest", newest.isPresent() && newest.getAsLong() == version.version());
        node.put("deleted", version.deleted());
        node.put("createdDate", version.createdDate());
        node.put("state", version.state().id());
        node.put("needsAttention", version.needsAttention());
        node.put("notAfter", version.notAfter() == null ? null : version.notAfter().toString());
        node.put("daysLeft", version.daysLeft());
        node.put("manifestProblem", version.manifestProblem());
        node.put("pinnedParameters", version.pinnedParameters());
        List<Object> manifests = new ArrayList<>();
        for (LayerManifest manifest : version.manifests()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("service", manifest.service());
            entry.put("host", manifest.host());
            entry.put("notAfter", manifest.certificateNotAfter().toString());
            entry.put("daysLeft", InventoryVersion.daysLeft(now, manifest.certificateNotAfter()));
            entry.put("certificateSha256", manifest.certificateSha256());
            entry.put("keyPolicy", ManifestKeyPolicy.verdict(manifest).id());
            entry.put("policyViolations", ManifestKeyPolicy.violations(manifest));
            entry.put("keyStorePasswordParameter", manifest.keyStore().password().selector());
            entry.put("trustStorePasswordParameter", manifest.trustStore().password().selector());
            manifests.add(entry);
        }
        node.put("manifests", manifests);
        List<Object> functions = new ArrayList<>();
        for (FunctionLayers function : version.functions()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("functionName", function.functionName());
            entry.put("functionArn", function.functionArn());
            entry.put("account", Arns.account(function.functionArn()));
            functions.add(entry);
        }
        node.put("functionCount", functions.size());
        node.put("functions", functions);
        return node;
    }
}
