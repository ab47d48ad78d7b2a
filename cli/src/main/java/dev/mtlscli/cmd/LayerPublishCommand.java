package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.TerminalText;
import dev.mtlscli.aws.Arns;
import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.aws.AwsNames;
import dev.mtlscli.json.Json;
import dev.mtlscli.layer.Grant;
import dev.mtlscli.layer.LayerMaterial;
import dev.mtlscli.layer.LayerPublisher;
import dev.mtlscli.layer.LayerZip;
import dev.mtlscli.layer.MaterialCheck;
import dev.mtlscli.layer.PlannedCall;
import dev.mtlscli.layer.PlannedLayer;
import dev.mtlscli.layer.PublishOptions;
import dev.mtlscli.layer.PublishPlan;
import dev.mtlscli.layer.PublishedLayer;
import dev.mtlscli.layer.ReleaseAnnouncer;
import dev.mtlscli.layer.ReleaseEvents;
import dev.mtlscli.layer.ReleaseShare;
import dev.mtlscli.secrets.ParameterPublisher;
import dev.mtlscli.secrets.PasswordParameters;
import dev.mtlscli.workspace.ExistingWorkspace;
import dev.mtlscli.workspace.WorkspaceLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.model.Runtime;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

@Command(name = "publish",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Publish each service's client keystore and truststore as a Lambda layer version (mtls/<service>/),",
                "with their passwords in SSM Parameter Store as SecureString, pinned by version in the layer's manifest.",
                "Publishes nothing when the newest version already has the same content; grants only what is named."
        })
public final class LayerPublishCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Mixin
    AwsOptions aws;

    @Option(names = "--workspace", paramLabel = "DIR", defaultValue = "mtls-certs",
            description = "Workspace written by 'certs create' (default: ${DEFAULT-VALUE}).")
    Path workspace;

    @Option(names = "--service", paramLabel = "NAME", description = "Service to publish; repeatable (default: every service of the workspace).")
    List<String> services = new ArrayList<>();

    @Option(names = "--layer-name", paramLabel = "NAME", defaultValue = PublishOptions.DEFAULT_LAYER_NAME,
            description = "Layer name; {service} is replaced by the service name (default: ${DEFAULT-VALUE}).")
    String layerName;

    @Option(names = "--parameter-prefix", paramLabel = "PREFIX", defaultValue = PasswordParameters.DEFAULT_PREFIX,
            description = "SSM path of the passwords (PREFIX + keystore-password, truststore-password); "
                    + "{service} is replaced (default: ${DEFAULT-VALUE}).")
    String parameterPrefix;

    @Option(names = "--kms-key-id", paramLabel = "KEY", description = "KMS key (id, alias/NAME or ARN) of the SecureStrings (default: aws/ssm).")
    String kmsKeyId;

    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Tag of the SSM parameters created; repeatable.")
    Map<String, String> tags = new LinkedHashMap<>();

    @Option(names = "--compatible-runtime", paramLabel = "RUNTIME", description = "Compatible runtime; repeatable (default: java17, java21).")
    List<String> runtimes = new ArrayList<>();

    @Option(names = "--architecture", paramLabel = "ARCH", description = "Compatible architecture, x86_64 or arm64; repeatable (default: both).")
    List<String> architectures = new ArrayList<>();

    @Option(names = "--grant-account", paramLabel = "ID", description = "Let this AWS account use the layer version; repeatable. '*' needs --allow-public.")
    List<String> grantAccounts = new ArrayList<>();

    @Option(names = "--grant-org", paramLabel = "o-ID", description = "Let the accounts of this AWS Organization use the layer version; repeatable.")
    List<String> grantOrganizations = new ArrayList<>();

    @Option(names = "--allow-public", description = "Allow --grant-account '*': every AWS account could read the layer and its private key.")
    boolean allowPublic;

    @Option(names = "--renew-before", paramLabel = "DAYS", defaultValue = "30",
            description = "Refuse a client certificate that expires within DAYS (default: ${DEFAULT-VALUE}).")
    int renewBeforeDays;

    @Option(names = "--force", description = "Publish a certificate inside the renewal window (never an expired one).")
    boolean force;

    @Option(names = "--release-event-bus", paramLabel = "BUS",
            description = "Announce each new layer version on this EventBridge bus (name or ARN; 'default' for the account's), "
                    + "besides the release parameter PREFIX + " + ReleaseAnnouncer.PARAMETER + " that is always written.")
    String releaseEventBus;

    @Option(names = "--share-release-parameter",
            description = "Share the release parameter through AWS RAM (share mtls-cli-SERVICE-release, the parameter in the advanced "
                    + "tier) with the --grant-account accounts and the --grant-org organization, so their IaC can read it by ARN.")
    boolean shareReleaseParameter;

    @Option(names = "--dry-run", description = "Check the material and print the AWS calls that would be made; call nothing.")
    boolean dryRun;

    @Option(names = "--regions", paramLabel = "REGION[,REGION...]",
            description = "Publish in each of these regions (comma-separated): the layer and its SSM parameters in each, "
                    + "each layer's manifest pinning that region's parameter versions (default: the one region of --region).")
    List<String> regions = new ArrayList<>();

    @Override
    public Integer call() {
        PublishOptions options = options();
        if (renewBeforeDays < 0) {
            throw new MtlsException("--renew-before must be 0 or more days, not " + renewBeforeDays);
        }
        if (releaseEventBus != null) {
            AwsNames.eventBus(releaseEventBus);
        }
        if (shareReleaseParameter && grantAccounts.isEmpty() && grantOrganizations.isEmpty()) {
            throw new MtlsException("--share-release-parameter shares with the --grant-account accounts and the --grant-org "
                    + "organization; name at least one");
        }
        ExistingWorkspace ws = ExistingWorkspace.open(workspace);
        // Publishing reads keystores and passwords that a rotation may be renewing at that moment.
        try (WorkspaceLock lock = dryRun ? null : WorkspaceLock.acquire(ws.directory(), "layer publish")) {
            return publish(ws, options);
        }
    }

    private Integer publish(ExistingWorkspace ws, PublishOptions options) {
        List<String> selected = ws.select(services);
        for (String service : selected) {
            AwsNames.layerName(options.layerName(service));
        }
        if (!layerName.contains("{service}") && selected.size() > 1) {
            throw new MtlsException("--layer-name '" + layerName + "' would put " + String.join(", ", selected)
                    + " in one layer; include {service} in it or name one --service");
        }
        Map<String, String> prefixes = new LinkedHashMap<>();
        for (String service : selected) {
            prefixes.put(service, PasswordParameters.prefix(parameterPrefix, service, selected));
        }
        MaterialCheck check = new MaterialCheck(Instant.now(), Duration.ofDays(renewBeforeDays), force);
        List<LayerMaterial> materials = new ArrayList<>();
        Map<String, LayerZip> sized = new LinkedHashMap<>();
        for (String service : selected) {
            LayerMaterial material = check.check(ws, service);
            sized.put(service, LayerPublisher.checkSize(material));
            materials.add(material);
        }

        PrintWriter out = spec.commandLine().getOut();
        List<AwsSettings> targets = aws.settings().perRegion(CommaSeparated.elements(spec.commandLine(), "--regions", regions));
        boolean fleet = targets.size() > 1;
        if (dryRun) {
            for (AwsSettings target : targets) {
                Region region = AwsClients.region(target);
                List<PlannedCall> calls = new ArrayList<>();
                List<PlannedLayer> layers = new ArrayList<>();
                for (LayerMaterial material : materials) {
                    calls.addAll(PublishPlan.calls(material, prefixes.get(material.service()), options, sized.get(material.service()),
                            releaseEventBus, shareReleaseParameter));
                    layers.add(PlannedLayer.of(material, prefixes.get(material.service()), options));
                }
                Plans.print(out, global.output, region, calls, layers);
            }
            return ExitCodes.OK;
        }
        if (fleet && options.kmsKeyId() != null && options.kmsKeyId().startsWith("arn:")) {
            throw new MtlsException("--kms-key-id " + options.kmsKeyId() + " is a key of one region; with --regions name it "
                    + "by an alias that exists in every region (alias/NAME)");
        }

        List<PublishedLayer> results = new ArrayList<>();
        Map<String, List<PublishedLayer>> byRegion = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (AwsSettings target : targets) {
            // a region that fails does not stop the others: layers are regional, and a re-run
            // publishes only what is missing
            try (AwsClients clients = AwsClients.connect(target)) {
                String region = clients.region().id();
                if (fleet && global.output == OutputFormat.text) {
                    out.println("== " + region);
                }
                List<PublishedLayer> published = publishInRegion(clients, materials, prefixes, options, out);
                byRegion.put(region, published);
                results.addAll(published);
            } catch (RuntimeException e) {
                if (!fleet) {
                    throw e;
                }
                failures.put(target.region(), TerminalText.escape(String.valueOf(e.getMessage())));
            }
        }
        if (global.output == OutputFormat.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("layers", results.stream().map(LayerPublishCommand::toJson).toList());
            if (fleet) {
                json.put("failedRegions", failures);
            }
            out.println(Json.write(json));
        } else if (fleet) {
            out.println();
            byRegion.forEach((region, published) -> out.println(region + "  ok  " + String.join("  ",
                    published.stream().map(layer -> layer.layerName() + ":" + layer.version()).toList())));
            failures.forEach((region, message) -> out.println(region + "  FAILED  " + message));
        }
        out.flush();
        if (!failures.isEmpty()) {
            throw new MtlsException("published in " + (byRegion.isEmpty() ? "no region" : String.join(", ", byRegion.keySet()))
                    + "; failed in " + String.join(", ", failures.keySet()) + " (run again to finish: what is published is not published twice)");
        }
        return ExitCodes.OK;
    }

    private List<PublishedLayer> publishInRegion(AwsClients clients, List<LayerMaterial> materials, Map<String, String> prefixes,
                                                 PublishOptions options, PrintWriter out) {
        Consumer<String> progress = global.output == OutputFormat.text ? out::println : line -> { };
        ReleaseAnnouncer.Sharing sharing = null;
        if (shareReleaseParameter) {
            ReleaseShare share = new ReleaseShare(clients.ram(), clients::organizations, progress);
            sharing = new ReleaseAnnouncer.Sharing(share, share.principals(options.grants(), clients.sts().getCallerIdentity().account()));
        }
        LayerPublisher publisher = new LayerPublisher(clients.lambda(),
                new ParameterPublisher(clients.ssm(), options.kmsKeyId(), parameterTags(options.tags())),
                releaseEventBus == null ? null : new ReleaseEvents(clients.events(), releaseEventBus), sharing, progress);
        List<PublishedLayer> results = new ArrayList<>();
        for (LayerMaterial material : materials) {
            PublishedLayer published = publisher.publish(material, prefixes.get(material.service()), options);
            results.add(published);
            if (global.output == OutputFormat.text) {
                out.println(published.layerVersionArn());
                published.otherStatements().forEach(sid -> out.println("  note: version " + published.version()
                        + " also has statement " + sid + ", which was not asked for; it was left in place"));
            }
        }
        return results;
    }

    private PublishOptions options() {
        List<Grant> grants = Grant.of(grantAccounts, grantOrganizations, allowPublic);
        if (kmsKeyId != null) {
            AwsNames.kmsKeyId(kmsKeyId);
        }
        List<String> runtimeList = runtimes.isEmpty() ? PublishOptions.DEFAULT_RUNTIMES : List.copyOf(runtimes);
        for (String runtime : runtimeList) {
            if (Runtime.fromValue(runtime) == Runtime.UNKNOWN_TO_SDK_VERSION) {
                throw new MtlsException("unknown Lambda runtime '" + runtime + "' (for example java17, java21)");
            }
        }
        if (runtimeList.size() > 15) {
            throw new MtlsException("a layer names at most 15 compatible runtimes, not " + runtimeList.size());
        }
        List<String> architectureList = architectures.isEmpty() ? PublishOptions.DEFAULT_ARCHITECTURES : List.copyOf(architectures);
        for (String architecture : architectureList) {
            if (!PublishOptions.DEFAULT_ARCHITECTURES.contains(architecture)) {
                throw new MtlsException("unknown architecture '" + architecture + "' (x86_64 or arm64)");
            }
        }
        for (String key : tags.keySet()) {
            if (key.isEmpty() || key.length() > 128 || key.toLowerCase(java.util.Locale.ROOT).startsWith("aws:")) {
                throw new MtlsException("invalid tag key '" + key + "' (1 to 128 characters, not starting with aws:)");
            }
        }
        return new PublishOptions(layerName, parameterPrefix, kmsKeyId, tags, runtimeList,
                architectureList.stream().distinct().toList(), grants);
    }

    /** Every parameter we create says who manages it, so an audit can find them. */
    private static Map<String, String> parameterTags(Map<String, String> userTags) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("managed-by", "mtls-cli");
        all.putAll(userTags);
        return all;
    }

    private static Map<String, Object> toJson(PublishedLayer layer) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("service", layer.service());
        node.put("layerName", layer.layerName());
        node.put("layerVersionArn", layer.layerVersionArn());
        node.put("region", Arns.region(layer.layerVersionArn()));
        node.put("version", layer.version());
        node.put("published", layer.created());
        node.put("codeSha256", layer.codeSha256());
        node.put("codeSize", layer.codeSize());
        node.put("certificate", Map.of("notAfter", layer.notAfter().toString(), "sha256", layer.certificateSha256()));
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("keyStorePassword", Map.of("parameter", layer.keyStorePassword().ref().selector(),
                "changed", layer.keyStorePassword().changed()));
        parameters.put("trustStorePassword", Map.of("parameter", layer.trustStorePassword().ref().selector(),
                "changed", layer.trustStorePassword().changed()));
        node.put("parameters", parameters);
        Map<String, Object> grants = new LinkedHashMap<>();
        grants.put("added", layer.grantsAdded().stream().map(Grant::statementId).toList());
        grants.put("present", layer.grantsPresent().stream().map(Grant::statementId).toList());
        grants.put("otherStatements", layer.otherStatements());
        node.put("grants", grants);
        return node;
    }
}
