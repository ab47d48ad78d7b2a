package dev.mtlscli.rotation;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.Arns;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.aws.LayerVersionArn;
import dev.mtlscli.layer.Grant;
import dev.mtlscli.layer.LayerLister;
import dev.mtlscli.layer.LayerVersionPolicy;
import dev.mtlscli.layer.ListedVersion;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.secrets.PasswordParameters;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Decides a rotation from what is deployed: the newest version of the service's layer and its
 * expiry (from its manifest), the functions that use any version of the layer, and whether the
 * certificate is inside the renewal window. Reads only; nothing changes here.
 *
 * <p>The layer and its consumers are usually in one account-region. When the consumers are in
 * another account ({@link #forConsumersIn}), they use the publishing account's versions, granted
 * to them, and the plan only moves them: renewing and publishing are the publishing account's
 * rotation, which its own run does, so two accounts never renew one release.
 */
public final class RotationPlanner {
    private final LambdaClient lambda;
    private final LambdaClient consumers;
    private final String consumerAccount;
    private final Clock clock;

    public RotationPlanner(LambdaClient lambda, Clock clock) {
        this(lambda, lambda, null, clock);
    }

    private RotationPlanner(LambdaClient lambda, LambdaClient consumers, String consumerAccount, Clock clock) {
        this.lambda = lambda;
        this.consumers = consumers;
        this.consumerAccount = consumerAccount;
        this.clock = clock;
    }

    /**
     * @param lambda    the publishing account's client in the region, where the layer's versions are
     * @param consumers the client of {@code account}, the same region, where the functions are
     */
    public static RotationPlanner forConsumersIn(String account, LambdaClient lambda, LambdaClient consumers, Clock clock) {
        return new RotationPlanner(lambda, consumers, account, clock);
    }

    public RotationPlan plan(RotationRequest request, MaterialStep caStep) {
        String layerName = request.layerName();
        List<ListedVersion> versions = new LayerLister(lambda).list(layerName);
        if (versions.isEmpty()) {
            throw new MtlsException("layer " + layerName + " has no published version; publish it first with 'mtls-cli layer publish'");
        }
        ListedVersion newest = versions.get(0);
        LayerManifest manifest = manifestOf(newest, request.service());
        LayerVersionArn current = LayerVersionArn.parse(newest.layerVersionArn());

        List<FunctionLayers> consumers = consumers(request, current.layerArn());
        Instant now = clock.instant();
        Instant notAfter = manifest.certificateNotAfter();
        long daysLeft = Duration.between(now, notAfter).toDays();

        MaterialStep step = caStep;
        String reason;
        if (consumerAccount != null) {
            if (caStep != MaterialStep.NONE || request.force()) {
                throw new MtlsException("the functions of account " + consumerAccount + " use the layer of " + Arns.account(current.arn())
                        + ": renew or roll its CA over in the publishing account's rotation, then move these");
            }
            step = MaterialStep.NONE;
            reason = "the functions of account " + consumerAccount + " use " + current + " of account " + Arns.account(current.arn())
                    + " (its certificate expires " + notAfter + ", in " + daysLeft + " days), which renews it";
        } else if (caStep != MaterialStep.NONE) {
            reason = "CA rollover step " + caStep;
        } else if (request.force()) {
            step = MaterialStep.RENEW;
            reason = "--force (the certificate of " + current + " expires " + notAfter + ", in " + daysLeft + " days)";
        } else if (!ManifestKeyPolicy.violations(manifest).isEmpty()) {
            // status flags it; renewal makes a new key pair of the workspace's profile
            step = MaterialStep.RENEW;
            reason = "the certificate of " + current + " breaks the key and signature policy: "
                    + String.join("; ", ManifestKeyPolicy.violations(manifest));
        } else if (notAfter.isBefore(now.plus(request.renewBefore()))) {
            step = MaterialStep.RENEW;
            reason = "the certificate of " + current + " expires " + notAfter + ", in " + daysLeft + " days, inside the "
                    + request.renewBefore().toDays() + "-day renewal window";
        } else {
            reason = "the certificate of " + current + " expires " + notAfter + ", in " + daysLeft + " days, outside the "
                    + request.renewBefore().toDays() + "-day renewal window";
        }

        List<Move> moves = new ArrayList<>();
        for (FunctionLayers consumer : consumers) {
            LayerVersionArn on = consumer.versionOf(current.layerArn()).orElseThrow();
            if (step != MaterialStep.NONE || on.version() != current.version()) {
                moves.add(new Move(consumer.functionName(), on.arn()));
            }
        }
        if (step == MaterialStep.NONE && !moves.isEmpty()) {
            reason += "; " + moves.size() + " function(s) are on older versions than " + current;
        }
        return new RotationPlan(newRotationId(now), request.service(), layerName, current.arn(), notAfter, step, reason,
                prefixOf(manifest), grantsOf(layerName, current.version()), newest.compatibleRuntimes(), moves);
    }

    private List<FunctionLayers> consumers(RotationRequest request, String layerArn) {
        List<FunctionLayers> consumers = new ArrayList<>();
        List<FunctionLayers> all = FunctionInventory.read(this.consumers);
        for (FunctionLayers function : all) {
            if (function.versionOf(layerArn).isPresent()) {
                consumers.add(function);
            }
        }
        if (!request.functionNames().isEmpty()) {
            for (String name : request.functionNames()) {
                if (all.stream().noneMatch(f -> f.functionName().equals(name))) {
                    throw new MtlsException("function " + name + " does not exist in " + (consumerAccount == null ? "this account"
                            : "account " + consumerAccount) + " and region (--functions)");
                }
                if (consumers.stream().noneMatch(f -> f.functionName().equals(name))) {
                    throw new MtlsException("function " + name + " does not use layer " + layerArn);
                }
            }
            consumers.removeIf(f -> !request.functionNames().contains(f.functionName()));
        }
        if (!request.functionTags().isEmpty()) {
            consumers.removeIf(f -> !hasTags(f, request.functionTags()));
        }
        consumers.sort(Comparator.comparing(FunctionLayers::functionName));
        return consumers;
    }

    private boolean hasTags(FunctionLayers function, Map<String, String> wanted) {
        Map<String, String> tags = AwsCalls.call(AwsService.LAMBDA, "ListTags " + function.functionName(),
                () -> consumers.listTags(b -> b.resource(function.functionArn())).tags());
        return wanted.entrySet().stream().allMatch(tag -> tag.getValue().equals(tags.get(tag.getKey())));
    }

    private List<Grant> grantsOf(String layerName, long version) {
        List<Grant> grants = new ArrayList<>();
        for (LayerVersionPolicy.Statement statement : LayerVersionPolicy.read(lambda, layerName, version).values()) {
            if (statement.organizationId() != null) {
                grants.add(new Grant(Grant.Kind.ORGANIZATION, statement.organizationId()));
            } else if ("*".equals(statement.principal())) {
                grants.add(new Grant(Grant.Kind.PUBLIC, "*"));
            } else {
                grants.add(new Grant(Grant.Kind.ACCOUNT, statement.principal()));
            }
        }
        return grants.stream().distinct().toList();
    }

    private static LayerManifest manifestOf(ListedVersion version, String service) {
        Optional<LayerManifest> manifest = version.manifests().stream().filter(m -> m.service().equals(service)).findFirst();
        return manifest.orElseThrow(() -> new MtlsException(version.layerVersionArn() + " has no manifest for service "
                + service + (version.manifestProblem() == null ? "" : " (" + version.manifestProblem() + ")")));
    }

    /** The prefix the current version's passwords live under, so the new version uses the same parameters. */
    private static String prefixOf(LayerManifest manifest) {
        String name = manifest.keyStore().password().name();
        return name.endsWith(PasswordParameters.KEYSTORE)
                ? name.substring(0, name.length() - PasswordParameters.KEYSTORE.length())
                : PasswordParameters.DEFAULT_PREFIX.replace("{service}", manifest.service());
    }

    private static String newRotationId(Instant now) {
        return now.toString().replaceAll("[-:]", "").replaceAll("\\.\\d+", "") + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
