package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.AwsNames;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.aws.ControlPlaneRateLimiter;
import dev.mtlscli.json.Json;
import dev.mtlscli.layer.PublishOptions;
import dev.mtlscli.layer.ReleaseEvents;
import dev.mtlscli.rotation.FleetRotationService;
import dev.mtlscli.rotation.RotationOutcome;
import dev.mtlscli.rotation.RotationRequest;
import dev.mtlscli.rotation.RotationService;
import dev.mtlscli.rotation.RunOptions;
import dev.mtlscli.rotation.WorkspaceMaterialSteps;
import dev.mtlscli.secrets.PasswordParameters;
import dev.mtlscli.store.BoundedReads;
import dev.mtlscli.workspace.ExistingWorkspace;
import dev.mtlscli.workspace.WorkspaceLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.regions.Region;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "rotate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Renew a service's client material before it expires and move every function that uses its layer to the",
                "new layer version: plan, then apply step by step with a journal in the workspace, so a run cut off",
                "halfway is finished by running it again (or undone with --rollback)."
        })
public final class RotateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Mixin
    AwsOptions aws;

    @Mixin
    LambdaRateOptions lambdaRates;

    @Option(names = "--service", paramLabel = "NAME", required = true, description = "The service to rotate.")
    String service;

    @Option(names = "--workspace", paramLabel = "DIR", defaultValue = "mtls-certs",
            description = "Workspace written by 'certs create' (default: ${DEFAULT-VALUE}); the journal is kept in its rotations/.")
    Path workspace;

    @Option(names = "--layer-name", paramLabel = "NAME", defaultValue = PublishOptions.DEFAULT_LAYER_NAME,
            description = "Layer name; {service} is replaced by the service name (default: ${DEFAULT-VALUE}).")
    String layerName;

    @Option(names = "--renew-before", paramLabel = "DAYS", defaultValue = "30",
            description = "Renew when the certificate expires within DAYS (default: ${DEFAULT-VALUE}); a scheduled rotation uses "
                    + "--renew-at-percent instead.")
    int renewBeforeDays;

    @Option(names = "--force", description = "Renew even outside the renewal window.")
    boolean force;

    @Option(names = "--functions", paramLabel = "NAME", split = ",",
            description = "Move only these functions (comma-separated or repeated; default: every function that uses the layer).")
    List<String> functions = new ArrayList<>();

    @Option(names = "--function-tag", paramLabel = "KEY=VALUE", description = "Move only functions with this tag; repeatable.")
    Map<String, String> functionTags = new LinkedHashMap<>();

    @Option(names = "--canary", paramLabel = "N", defaultValue = "0",
            description = "Move and verify N functions first, then the rest (default: ${DEFAULT-VALUE}).")
    int canary;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "" + RunOptions.DEFAULT_CONCURRENCY,
            description = "Functions updated at the same time (default: ${DEFAULT-VALUE}); the calls themselves are paced by "
                    + "--lambda-rate, under Lambda's 15 control-plane requests per second per account-region.")
    int concurrency;

    @Option(names = "--verify-invoke", description = "Invoke each moved function and require success; a failure moves it back and stops.")
    boolean verifyInvoke;

    @Option(names = "--verify-payload", paramLabel = "FILE", description = "The JSON event for --verify-invoke (default: {}).")
    Path verifyPayload;

    @Option(names = "--kms-key-id", paramLabel = "KEY", description = "KMS key of the new password versions (default: aws/ssm).")
    String kmsKeyId;

    @Option(names = "--dry-run", description = "Print the plan and stop; change nothing.")
    boolean dryRun;

    @Option(names = "--rollback", description = "Move every function the last rotation moved back to its previous version.")
    boolean rollback;

    @Option(names = "--prune", description = "Delete the layer versions no function uses, older than --grace-days (never the newest, "
            + "never a parameter version). With --schedule: the rotator does so after each run.")
    boolean prune;

    @Option(names = "--grace-days", paramLabel = "DAYS", defaultValue = "7", description = "With --prune: keep versions younger than this "
            + "(default: ${DEFAULT-VALUE}).")
    int graceDays;

    @Option(names = "--new-ca", description = "Roll the service's CA over (DESIGN.md decision 7): first a new CA beside the old one "
            + "(for a KMS CA, a new KMS key with the old key's spec and key policy).")
    boolean newCa;

    @Option(names = "--offline-root", paramLabel = "DIR", description = "With --new-ca, for a KMS intermediate under an offline "
            + "root (certs create --ca aws-kms --offline-root): the directory holding the root, which signs the new intermediate. "
            + "Renewals do not need it.")
    Path offlineRoot;

    @Option(names = "--backend-trusts-new-ca", description = "With --new-ca: the backend has deployed the two-CA client bundle; "
            + "issue from the new CA.")
    boolean backendTrustsNewCa;

    @Option(names = "--complete-ca-rollover", description = "Drop the old CA once every consumer is on material from the new one; "
            + "the KMS key of an old KMS CA is scheduled for deletion in 30 days (aws kms cancel-key-deletion undoes it).")
    boolean completeCaRollover;

    @Option(names = "--regions", paramLabel = "REGION[,REGION...]",
            description = "Rotate in each of these regions (comma-separated) with one plan and one journal (rotations/SERVICE.fleet.jsonl).")
    List<String> regions = new ArrayList<>();

    @Mixin
    AccountsOptions fleetAccounts;

    @Mixin
    LeaseOptions lease;

    @Option(names = "--release-event-bus", paramLabel = "BUS",
            description = "Announce the new layer version on this EventBridge bus (name or ARN), as layer publish does; the release "
                    + "parameter PREFIX + latest-layer-version-arn is written either way.")
    String releaseEventBus;

    @Option(names = "--schedule", description = "Rotate nothing: write the service's desired state (its CA in AWS, truststore anchors, "
            + "consumers, account-regions, policy) into --lease-table, the scheduled rotator's state table, and print the "
            + "MtlsRotator props it needs. A local CA is refused: its key never leaves the workspace.")
    boolean schedule;

    @Option(names = "--renew-at-percent", paramLabel = "P",
            description = "With --schedule: renew at P%% of the certificate's lifetime (default: two thirds).")
    Integer renewAtPercent;

    @Option(names = "--jitter-percent", paramLabel = "J",
            description = "With --schedule: bring renewal forward by up to J%% of the lifetime, the same on every run (default: 5).")
    Integer jitterPercent;

    @Option(names = "--parameter-prefix", paramLabel = "PREFIX", defaultValue = PasswordParameters.DEFAULT_PREFIX,
            description = "With --schedule: the SSM path of the service's passwords, as layer publish was given it (default: ${DEFAULT-VALUE}).")
    String parameterPrefix;

    @Option(names = "--global-concurrency", paramLabel = "N", defaultValue = "32",
            description = "With a fleet: functions updated at the same time in all accounts and regions together (default: ${DEFAULT-VALUE}).")
    int globalConcurrency;

    private boolean fleet() {
        return !regions.isEmpty() || fleetAccounts.any();
    }

    @Override
    public Integer call() {
        if (schedule) {
            return schedule();
        }
        checkOptions();
        if (fleet()) {
            checkFleetOptions();
        }
        ExistingWorkspace ws = ExistingWorkspace.open(workspace);
        ws.select(List.of(service));
        // A dry run writes nothing, not even the journal; every other run renews, journals or
        // rolls back in the workspace, and two at once would interleave.
        try (WorkspaceLock lock = dryRun ? null : WorkspaceLock.acquire(ws.directory(), "rotate")) {
            return rotate(ws);
        }
    }

    private Integer rotate(ExistingWorkspace ws) {
        AwsNames.layerName(layerName.replace("{service}", service));
        if (fleet()) {
            return rotateFleet(ws);
        }
        String payload = payload();
        PrintWriter out = spec.commandLine().getOut();
        RotateOutput output = output(out);

        try (AwsClients clients = AwsClients.connect(aws.settings(), lambdaRates.limiter());
             LeaseOptions.Held held = dryRun ? null : lease.hold(List.of(clients), aws.settings(), layerName.replace("{service}", service))) {
            RotationService rotation = new RotationService(ws.directory(), clients, Clock.systemUTC(), output);
            if (releaseEventBus != null) {
                rotation.announcingOn(new ReleaseEvents(clients.events(), releaseEventBus));
            }
            if (rollback) {
                return output.report(rotation.rollBack(service, layerName.replace("{service}", service), concurrency, dryRun));
            }
            if (prune) {
                return output.report(rotation.prune(service, layerName.replace("{service}", service), Duration.ofDays(graceDays), dryRun));
            }
            WorkspaceMaterialSteps material = new WorkspaceMaterialSteps(ws.directory(), service, clients::acmPca,
                    region -> clients.kms(Region.of(region)), offlineRoot, output::notice, new SecureRandom());
            RotationRequest request = new RotationRequest(service, layerName, Duration.ofDays(renewBeforeDays), force, functions,
                    functionTags, caRequest());
            RotationOutcome outcome;
            try {
                outcome = rotation.rotate(request, material, new RunOptions(canary, concurrency, payload), kmsKeyId, dryRun);
            } finally {
                output.finish();
            }
            return output.report(outcome);
        } catch (RuntimeException e) {
            throw lease.lostInstead(e);
        }
    }

    private RotateOutput output(PrintWriter out) {
        boolean terminal = System.console() != null && global.output == OutputFormat.text;
        return new RotateOutput(out, global.output, terminal,
                new RotateOutput.Asked(service, workspace, dryRun, canary, verifyInvoke));
    }

    private Integer schedule() {
        if (rollback || newCa || backendTrustsNewCa || completeCaRollover || force || verifyPayload != null) {
            throw new MtlsException("--schedule writes the desired state and rotates nothing; it does not go with --rollback, "
                    + "the CA rollover options, --force or --verify-payload");
        }
        if (!prune && spec.commandLine().getParseResult().hasMatchedOption("--grace-days")) {
            throw new MtlsException("--grace-days goes with --prune: with --schedule, --prune --grace-days N is the rotator's retention policy");
        }
        if (graceDays < 0) {
            throw new MtlsException("--grace-days must be 0 or more days");
        }
        if (canary < 0) {
            throw new MtlsException("--canary must be 0 or more");
        }
        if (kmsKeyId != null) {
            AwsNames.kmsKeyId(kmsKeyId);
        }
        fleetAccounts.check();
        if (fleetAccounts.any() && !functions.isEmpty()) {
            // a name means a function of one account; the member accounts' slices would each miss the others' names
            throw new MtlsException("--functions names consumers of one account; with --accounts or --organization select them "
                    + "with --function-tag, or schedule every user of the layer");
        }
        AwsNames.layerName(layerName.replace("{service}", service));
        List<String> inRegions = CommaSeparated.elements(spec.commandLine(), "--regions", regions);
        ExistingWorkspace ws = ExistingWorkspace.open(workspace);
        ws.select(List.of(service));
        try (WorkspaceLock lock = dryRun ? null : WorkspaceLock.acquire(ws.directory(), "rotate --schedule")) {
            return new RotateSchedule(aws.settings(), fleetAccounts, lease, global.output, spec.commandLine().getOut()).run(ws,
                    new RotateSchedule.Asked(service, layerName, parameterPrefix, kmsKeyId, functions, functionTags, inRegions,
                            renewAtPercent, jitterPercent, canary, verifyInvoke, prune ? Integer.valueOf(graceDays) : null, dryRun));
        }
    }

    private void checkFleetOptions() {
        fleetAccounts.check();
        if (newCa || backendTrustsNewCa || completeCaRollover || prune || verifyInvoke || dryRun) {
            throw new MtlsException("a fleet rotation (--regions, --accounts, --organization) renews and moves; run --new-ca, "
                    + "--complete-ca-rollover, --prune, --verify-invoke and --dry-run one region at a time");
        }
        if (globalConcurrency < 1 || globalConcurrency > 256) {
            throw new MtlsException("--global-concurrency must be between 1 and 256");
        }
        if (!functions.isEmpty() || !functionTags.isEmpty()) {
            throw new MtlsException("--functions and --function-tag select in one account and region; a fleet rotation moves every consumer");
        }
    }

    /** One plan and one journal over the regions and accounts (see {@link FleetRotationService}). */
    private Integer rotateFleet(ExistingWorkspace ws) {
        RotateOutput output = output(spec.commandLine().getOut());
        List<AwsSettings> targets = aws.settings().perRegion(CommaSeparated.elements(spec.commandLine(), "--regions", regions));
        List<AwsClients> opened = new ArrayList<>();
        ControlPlaneRateLimiter limiter = lambdaRates.limiter();
        LeaseOptions.Held held = null;
        RuntimeException failure = null;
        try {
            for (AwsSettings target : targets) {
                opened.add(AwsClients.connect(target, limiter));
            }
            held = lease.hold(List.copyOf(opened), aws.settings(), layerName.replace("{service}", service));
            AwsClients first = opened.get(0);
            String home = first.sts().getCallerIdentity().account();
            List<String> members = fleetAccounts.any() ? fleetAccounts.others(first, home) : List.of();
            FleetRotationService rotation = new FleetRotationService(ws.directory(),
                    new FleetRotationService.Fleet(home, opened, members, fleetAccounts.roleName), Clock.systemUTC(), output);
            if (rollback) {
                return output.report(rotation.rollBack(service, layerName.replace("{service}", service)));
            }
            WorkspaceMaterialSteps material = new WorkspaceMaterialSteps(ws.directory(), service, first::acmPca,
                    region -> first.kms(Region.of(region)), new SecureRandom());
            RotationRequest request = new RotationRequest(service, layerName, Duration.ofDays(renewBeforeDays), force, functions,
                    functionTags, RotationRequest.CaRolloverRequest.NONE);
            return output.report(rotation.rotate(request, material, new RunOptions(canary, concurrency, null), globalConcurrency,
                    kmsKeyId));
        } catch (RuntimeException e) {
            failure = lease.lostInstead(e);
            throw failure;
        } finally {
            try {
                if (held != null) {
                    held.close();
                }
            } catch (RuntimeException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            } finally {
                for (AwsClients clients : opened) {
                    clients.close();
                }
            }
        }
    }

    private void checkOptions() {
        if (renewBeforeDays < 0 || graceDays < 0) {
            throw new MtlsException("--renew-before and --grace-days must be 0 or more days");
        }
        if (canary < 0 || concurrency < 1 || concurrency > 64) {
            throw new MtlsException("--canary must be 0 or more and --concurrency between 1 and 64");
        }
        int modes = (rollback ? 1 : 0) + (prune ? 1 : 0) + (newCa || backendTrustsNewCa || completeCaRollover ? 1 : 0);
        if (modes > 1) {
            throw new MtlsException("--rollback, --prune and the CA rollover options cannot be combined");
        }
        if (offlineRoot != null && !newCa) {
            throw new MtlsException("--offline-root goes with --new-ca: only a new KMS intermediate is signed by the offline root");
        }
        if (backendTrustsNewCa && !newCa) {
            throw new MtlsException("--backend-trusts-new-ca goes with --new-ca");
        }
        if (completeCaRollover && newCa) {
            throw new MtlsException("--complete-ca-rollover is a later, separate rotation than --new-ca");
        }
        if (verifyPayload != null && !verifyInvoke) {
            throw new MtlsException("--verify-payload goes with --verify-invoke");
        }
        if (kmsKeyId != null) {
            AwsNames.kmsKeyId(kmsKeyId);
        }
        if (releaseEventBus != null) {
            if (fleet()) {
                throw new MtlsException("--release-event-bus announces the release of one region; a fleet rotation writes the release "
                        + "parameter in each region");
            }
            AwsNames.eventBus(releaseEventBus);
        }
    }

    private RotationRequest.CaRolloverRequest caRequest() {
        if (completeCaRollover) {
            return RotationRequest.CaRolloverRequest.COMPLETE;
        }
        if (newCa) {
            return backendTrustsNewCa ? RotationRequest.CaRolloverRequest.NEW_CA_CONFIRMED : RotationRequest.CaRolloverRequest.NEW_CA;
        }
        return RotationRequest.CaRolloverRequest.NONE;
    }

    private String payload() {
        if (!verifyInvoke) {
            return null;
        }
        if (verifyPayload == null) {
            return "{}";
        }
        byte[] bytes = BoundedReads.read(verifyPayload, BoundedReads.SMALL, "--verify-payload");
        Json.parseObject(bytes, "verify payload " + verifyPayload);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
