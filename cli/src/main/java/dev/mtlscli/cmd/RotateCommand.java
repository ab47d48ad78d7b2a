package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.TerminalText;
import dev.mtlscli.rotation.FleetRotation;
import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.aws.AwsNames;
import dev.mtlscli.aws.ControlPlaneRateLimiter;
import dev.mtlscli.json.Json;
import dev.mtlscli.layer.LayerLister;
import dev.mtlscli.layer.ListedVersion;
import dev.mtlscli.layer.PublishOptions;
import dev.mtlscli.rotation.FunctionInventory;
import dev.mtlscli.rotation.FunctionLayers;
import dev.mtlscli.rotation.FunctionMover;
import dev.mtlscli.rotation.JournalEvent;
import dev.mtlscli.rotation.LayerPruner;
import dev.mtlscli.rotation.MaterialStep;
import dev.mtlscli.rotation.Move;
import dev.mtlscli.rotation.RotationJournal;
import dev.mtlscli.rotation.RotationPlan;
import dev.mtlscli.rotation.RotationPlanner;
import dev.mtlscli.rotation.RotationPublisher;
import dev.mtlscli.rotation.RotationRequest;
import dev.mtlscli.rotation.RotationResult;
import dev.mtlscli.rotation.RotationRollback;
import dev.mtlscli.rotation.RotationRunner;
import dev.mtlscli.rotation.RunOptions;
import dev.mtlscli.rotation.TargetVersionCheck;
import dev.mtlscli.rotation.WaitingForConfirmation;
import dev.mtlscli.rotation.WorkspaceMaterialSteps;
import dev.mtlscli.store.BoundedReads;
import dev.mtlscli.workspace.ExistingWorkspace;
import dev.mtlscli.workspace.WorkspaceLock;
import picocli.CommandLine.Command;
import software.amazon.awssdk.regions.Region;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
            description = "Renew when the certificate expires within DAYS (default: ${DEFAULT-VALUE}).")
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
            + "never a parameter version).")
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

    @Option(names = "--global-concurrency", paramLabel = "N", defaultValue = "32",
            description = "With a fleet: functions updated at the same time in all accounts and regions together (default: ${DEFAULT-VALUE}).")
    int globalConcurrency;

    private boolean fleet() {
        return !regions.isEmpty() || fleetAccounts.any();
    }

    @Override
    public Integer call() {
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

        try (AwsClients clients = AwsClients.connect(aws.settings(), lambdaRates.limiter());
             LeaseOptions.Held held = dryRun ? null : lease.hold(List.of(clients), aws.settings(), layerName.replace("{service}", service))) {
            RotationJournal journal = RotationJournal.forRegion(ws.directory(), service, layerName.replace("{service}", service),
                    clients.region().id(), Clock.systemUTC());
            FunctionMover mover = FunctionMover.withDefaultPolling(clients.lambda());
            if (rollback) {
                return rollBack(journal, mover, out);
            }
            if (prune) {
                return prune(clients, journal, out);
            }
            WorkspaceMaterialSteps material = new WorkspaceMaterialSteps(ws.directory(), service, clients::acmPca,
                    region -> clients.kms(Region.of(region)), offlineRoot, notice -> text(out, notice), new SecureRandom());
            RotationRequest request = new RotationRequest(service, layerName, Duration.ofDays(renewBeforeDays), force, functions,
                    functionTags, caRequest());

            RotationPlan plan;
            boolean resumed;
            var unfinished = journal.unfinished();
            if (unfinished.isPresent()) {
                plan = unfinished.get();
                resumed = true;
                text(out, "Resuming rotation " + plan.rotationId() + " of " + service + " from " + journal.file());
            } else {
                MaterialStep caStep;
                try {
                    caStep = material.caStep(request.caRollover());
                } catch (WaitingForConfirmation waiting) {
                    text(out, waiting.getMessage());
                    json(out, Map.of("rotation", "waiting", "reason", waiting.getMessage()));
                    return ExitCodes.ATTENTION;
                }
                plan = new RotationPlanner(clients.lambda(), Clock.systemUTC()).plan(request, caStep);
                resumed = false;
            }
            printPlan(out, plan, resumed);
            if (dryRun) {
                return ExitCodes.OK;
            }
            if (plan.isEmpty()) {
                text(out, "Nothing to do: " + plan.reason() + ".");
                json(out, Map.of("rotation", "none", "reason", plan.reason()));
                return ExitCodes.OK;
            }

            boolean terminal = System.console() != null && global.output == OutputFormat.text;
            RotationProgress progress = new RotationProgress(global.output == OutputFormat.text ? out : new PrintWriter(PrintWriter.nullWriter()),
                    terminal, plan.moves().size());
            RotationRunner runner = new RotationRunner(mover, new TargetVersionCheck(clients.lambda(), mover), journal, progress);
            RotationPublisher publisher = new RotationPublisher(ws.directory(), clients.lambda(), clients.ssm(), kmsKeyId,
                    Clock.systemUTC(), line -> text(out, "  " + line));
            RunOptions options = new RunOptions(canary, concurrency, payload);
            RotationResult result;
            try {
                result = resumed ? runner.resume(plan, material, publisher, options) : runner.start(plan, material, publisher, options);
            } finally {
                progress.finish();
            }
            text(out, "Rotation " + result.rotationId() + " done: " + result.moved().size() + " function(s) moved to "
                    + result.targetArn() + (result.alreadyDone().isEmpty() ? "" : ", " + result.alreadyDone().size() + " already there")
                    + ". Journal: " + journal.file());
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("rotation", result.rotationId());
            json.put("resumed", result.resumed());
            json.put("layerVersionArn", result.targetArn());
            json.put("moved", result.moved());
            json.put("alreadyDone", result.alreadyDone());
            json.put("materialStep", plan.materialStep().name());
            json(out, json);
            return afterCaStep(out, plan.materialStep());
        } catch (RuntimeException e) {
            throw lease.lostInstead(e);
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

    /** One plan and one journal over the regions and accounts (see {@link FleetRotation}). */
    private Integer rotateFleet(ExistingWorkspace ws) {
        PrintWriter out = spec.commandLine().getOut();
        List<AwsSettings> targets = aws.settings().perRegion(CommaSeparated.elements(spec.commandLine(), "--regions", regions));
        List<AwsClients> opened = new ArrayList<>();
        ControlPlaneRateLimiter limiter = lambdaRates.limiter();
        LeaseOptions.Held held = null;
        RuntimeException failure = null;
        try {
            List<FleetRotation.HomeRegion> homes = new ArrayList<>();
            Map<String, AwsClients> byRegion = new LinkedHashMap<>();
            for (AwsSettings target : targets) {
                AwsClients clients = AwsClients.connect(target, limiter);
                opened.add(clients);
                byRegion.put(clients.region().id(), clients);
            }
            held = lease.hold(List.copyOf(opened), aws.settings(), layerName.replace("{service}", service));
            for (AwsClients clients : byRegion.values()) {
                homes.add(new FleetRotation.HomeRegion(clients.region().id(), clients.lambda(), clients.ssm()));
            }
            AwsClients first = opened.get(0);
            String home = first.sts().getCallerIdentity().account();
            List<String> members = fleetAccounts.any() ? fleetAccounts.others(first, home) : List.of();
            Map<String, AwsClients> inAccounts = new java.util.concurrent.ConcurrentHashMap<>();
            FleetRotation rotation = new FleetRotation(ws.directory(), service, layerName.replace("{service}", service), home, homes, members,
                    (account, region) -> inAccounts.computeIfAbsent(account + "/" + region, key -> {
                        AwsClients clients = byRegion.get(region).inAccount(account, fleetAccounts.roleName);
                        synchronized (opened) {
                            opened.add(clients);
                        }
                        return clients;
                    }).lambda(),
                    Clock.systemUTC(), line -> text(out, line));
            if (rollback) {
                FleetRotation.RollbackResult back = rotation.rollBack();
                text(out, "Fleet rotation rolled back: " + back.rolledBack().size() + " function(s) moved back"
                        + (back.leftAlone().isEmpty() ? "" : ", " + back.leftAlone().size() + " left alone (moved since)")
                        + ". Journal: " + rotation.journalFile());
                back.leftAlone().forEach(line -> text(out, "  " + TerminalText.escape(line)));
                json(out, Map.of("rolledBack", back.rolledBack(), "leftAlone", back.leftAlone()));
                return back.leftAlone().isEmpty() ? ExitCodes.OK : ExitCodes.ATTENTION;
            }
            WorkspaceMaterialSteps material = new WorkspaceMaterialSteps(ws.directory(), service, first::acmPca,
                    region -> first.kms(Region.of(region)), new SecureRandom());
            RotationRequest request = new RotationRequest(service, layerName, Duration.ofDays(renewBeforeDays), force, functions,
                    functionTags, RotationRequest.CaRolloverRequest.NONE);
            FleetRotation.Result result = rotation.run(request, material, kmsKeyId, canary, concurrency, globalConcurrency);

            text(out, "Fleet rotation " + result.rotationId() + (result.resumed() ? " (resumed)" : "") + ": "
                    + result.moved().size() + " function(s) moved, " + result.alreadyDone().size() + " already done, in "
                    + String.join(", ", result.published().keySet()) + ". Journal: " + rotation.journalFile());
            result.notDone().forEach((where, why) -> text(out, "  NOT DONE " + where + ": " + TerminalText.escape(why)));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("rotation", result.rotationId());
            json.put("resumed", result.resumed());
            json.put("planned", result.planned());
            json.put("published", result.published());
            json.put("moved", result.moved().stream().map(m -> m.account() + "/" + m.region() + "/" + m.functionName()).toList());
            json.put("alreadyDone", result.alreadyDone().size());
            json.put("notDone", result.notDone());
            json(out, json);
            if (!result.complete()) {
                throw new MtlsException("not done in " + String.join(", ", result.notDone().keySet())
                        + "; fix the cause and run rotate again to finish (the rest is done)");
            }
            return ExitCodes.OK;
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

    private int afterCaStep(PrintWriter out, MaterialStep step) {
        String message = switch (step) {
            case CA_PREPARE -> "The functions now trust server certificates of the old and the new CA of " + service + ". "
                    + "Give the backend owner " + workspace.resolve("servers").resolve(service).resolve("client-ca.crt")
                    + " (both CAs), then run: mtls-cli rotate --service " + service + " --new-ca --backend-trusts-new-ca";
            case CA_ISSUE -> "The functions now present certificates of the new CA. Deploy the backend's new server certificate from "
                    + workspace.resolve("servers").resolve(service) + "; once every consumer is on the new material, run: "
                    + "mtls-cli rotate --service " + service + " --complete-ca-rollover";
            default -> null;
        };
        if (message == null) {
            return ExitCodes.OK;
        }
        if (global.output == OutputFormat.text) {
            out.println(message);
        }
        out.flush();
        return ExitCodes.ATTENTION;
    }

    private int rollBack(RotationJournal journal, FunctionMover mover, PrintWriter out) {
        RotationPlan last = journal.latest().orElseThrow(() -> new MtlsException("no rotation of " + service + " in " + journal.file()));
        boolean finished = journal.events(last.rotationId()).stream().anyMatch(e -> JournalEvent.ROLLBACK_COMPLETED.equals(e.event()));
        if (finished) {
            text(out, "Rotation " + last.rotationId() + " was already rolled back.");
            json(out, Map.of("rotation", last.rotationId(), "rolledBack", List.of()));
            return ExitCodes.OK;
        }
        if (dryRun) {
            text(out, "Dry run: would move back the functions rotation " + last.rotationId() + " moved (see " + journal.file() + ").");
            return ExitCodes.OK;
        }
        RotationRollback.Result result = new RotationRollback(mover, journal, (step, detail) -> text(out, "  " + step + " " + detail))
                .rollBack(last, concurrency);
        text(out, "Rotation " + last.rotationId() + " rolled back: " + result.rolledBack().size() + " function(s) moved back"
                + (result.leftAlone().isEmpty() ? "." : ", " + result.leftAlone().size() + " left alone (moved since):"));
        result.leftAlone().forEach(line -> text(out, "  " + TerminalText.escape(line)));
        json(out, Map.of("rotation", last.rotationId(), "rolledBack", result.rolledBack(), "leftAlone", result.leftAlone()));
        return result.leftAlone().isEmpty() ? ExitCodes.OK : ExitCodes.ATTENTION;
    }

    private int prune(AwsClients clients, RotationJournal journal, PrintWriter out) {
        String name = layerName.replace("{service}", service);
        List<ListedVersion> versions = new LayerLister(clients.lambda()).list(name);
        Set<String> inUse = new HashSet<>();
        for (FunctionLayers function : FunctionInventory.read(clients.lambda())) {
            inUse.addAll(function.layerArns());
        }
        List<LayerPruner.Candidate> candidates = LayerPruner.candidates(versions, inUse, Duration.ofDays(graceDays),
                Clock.systemUTC().instant());
        List<String> deleted = new ArrayList<>();
        for (LayerPruner.Candidate candidate : candidates) {
            if (candidate.deletable() && !dryRun) {
                LayerPruner.delete(clients.lambda(), candidate.layerVersionArn());
                journal.append("prune", JournalEvent.PRUNED, Map.of("layerVersionArn", candidate.layerVersionArn()));
                deleted.add(candidate.layerVersionArn());
            }
            text(out, "  " + candidate.layerVersionArn() + ": " + (candidate.deletable() ? (dryRun ? "would delete" : "deleted")
                    : "kept, " + candidate.why()));
        }
        text(out, (dryRun ? "Dry run: " : "") + deleted.size() + " version(s) deleted; SSM parameter versions are never deleted.");
        json(out, Map.of("deleted", deleted, "dryRun", dryRun));
        return ExitCodes.OK;
    }

    private void printPlan(PrintWriter out, RotationPlan plan, boolean resumed) {
        if (global.output == OutputFormat.json) {
            if (dryRun) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("dryRun", true);
                json.put("rotation", plan.rotationId());
                json.put("resumed", resumed);
                json.put("layerName", plan.layerName());
                json.put("currentVersion", plan.currentArn());
                json.put("materialStep", plan.materialStep().name());
                json.put("reason", plan.reason());
                json.put("functions", plan.moves().stream().map(m -> Map.of("function", m.functionName(), "from", m.fromArn())).toList());
                out.println(Json.write(json));
                out.flush();
            }
            return;
        }
        out.println((dryRun ? "Dry run: " : "") + "rotation of " + service + " (layer " + plan.layerName() + ", newest " + plan.currentArn() + ")");
        out.println("  why: " + plan.reason());
        out.println("  workspace: " + switch (plan.materialStep()) {
            case NONE -> "unchanged";
            case RENEW -> "new client key, certificate and keystore password";
            case CA_PREPARE -> "new CA beside the old one; truststore and backend client-CA bundle with both";
            case CA_ISSUE -> "client and backend server certificates from the new CA";
            case CA_COMPLETE -> "old CA dropped from the truststore and the backend bundle";
        });
        if (plan.materialStep() != MaterialStep.NONE) {
            out.println("  publish: a new version of " + plan.layerName() + " (passwords as new SSM versions under "
                    + plan.parameterPrefix() + ", " + plan.grants().size() + " grant(s) as now)");
        }
        out.println("  move: " + plan.moves().size() + " function(s)" + (canary > 0 ? ", " + Math.min(canary, plan.moves().size())
                + " first as canaries" : "") + (verifyInvoke ? ", each verified by an invocation" : ""));
        for (Move move : plan.moves()) {
            out.println("    " + move.functionName() + " (on " + move.fromArn() + ")");
        }
        out.flush();
    }

    private void text(PrintWriter out, String line) {
        if (global.output == OutputFormat.text) {
            out.println(line);
            out.flush();
        }
    }

    private void json(PrintWriter out, Map<String, ?> json) {
        if (global.output == OutputFormat.json) {
            out.println(Json.write(json));
            out.flush();
        }
    }
}
