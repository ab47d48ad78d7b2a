package dev.mtlscli.rotation;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.layer.LayerLister;
import dev.mtlscli.layer.ReleaseEvents;
import dev.mtlscli.layer.ListedVersion;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rotation of one service in one account-region, as `mtls-cli rotate` and the scheduled
 * rotator both run it: plan (or take the unfinished plan of the journal), apply it step by step
 * ({@link RotationRunner}), roll the last one back, prune old layer versions. The caller opens
 * the clients, holds the lease and the workspace lock; this decides and acts, reports progress
 * to a {@link RotationListener} and returns a {@link RotationOutcome}. There is one journal per
 * service, layer and region: in the workspace's rotations/ for the command, wherever the
 * {@link Journals} given keep it for another caller.
 */
public final class RotationService {
    /** Opens the journal of a service's layer in a region. */
    @FunctionalInterface
    public interface Journals {
        RotationJournal open(String service, String layerName, String region, Clock clock);
    }

    private final Journals journals;
    private final AwsClients clients;
    private final Clock clock;
    private final RotationListener listener;
    private ReleaseEvents releaseEvents;
    private String consumerAccount;
    private LambdaClient consumers;

    /** The journals in the workspace's rotations/. */
    public RotationService(Path workspace, AwsClients clients, Clock clock, RotationListener listener) {
        this((service, layerName, region, at) -> RotationJournal.forRegion(workspace, service, layerName, region, at), clients, clock,
                listener);
    }

    /** @param clients the account-region rotated; their Lambda and SSM clients are used */
    public RotationService(Journals journals, AwsClients clients, Clock clock, RotationListener listener) {
        this.journals = journals;
        this.clients = clients;
        this.clock = clock;
        this.listener = listener;
    }

    /** Announces each release on this bus too, besides the release parameter ({@link dev.mtlscli.layer.ReleaseAnnouncer}). */
    public RotationService announcingOn(ReleaseEvents events) {
        this.releaseEvents = events;
        return this;
    }

    /**
     * Moves the functions of another account that use the layer of the clients' account (granted
     * to it), with {@code lambda}, that account's client in the same region; the layer stays where
     * it is. Such a rotation only moves: the publishing account's own rotation renews and
     * publishes ({@link RotationPlanner#forConsumersIn}), and prunes.
     */
    public RotationService movingConsumersOf(String account, LambdaClient lambda) {
        this.consumerAccount = account;
        this.consumers = lambda;
        return this;
    }

    /**
     * Continues the unfinished rotation of the journal, or plans one from what is deployed and
     * runs it. A dry run stops after the plan and changes nothing, not even the journal.
     *
     * @param material where the new material comes from (a resumed rotation takes its step from the journal)
     * @param kmsKeyId the KMS key of the new password versions, null for aws/ssm
     * @throws MtlsException when the rotation stops part way (the journal says where; run again to continue)
     */
    public RotationOutcome rotate(RotationRequest request, MaterialSource material, RunOptions options, String kmsKeyId,
                                  boolean dryRun) {
        RotationJournal journal = journal(request.service(), request.layerName());
        RotationPlan plan;
        boolean resumed;
        Optional<RotationPlan> unfinished = journal.unfinished();
        if (unfinished.isPresent()) {
            plan = unfinished.get();
            resumed = true;
            listener.notice("Resuming rotation " + plan.rotationId() + " of " + request.service() + " from " + journal.location());
        } else {
            MaterialStep caStep;
            try {
                caStep = material.caStep(request.caRollover());
            } catch (WaitingForConfirmation waiting) {
                return new RotationOutcome.Waiting(waiting.getMessage());
            }
            RotationPlanner planner = consumerAccount == null ? new RotationPlanner(clients.lambda(), clock)
                    : RotationPlanner.forConsumersIn(consumerAccount, clients.lambda(), consumers, clock);
            plan = planner.plan(request, caStep);
            resumed = false;
        }
        listener.planned(plan, resumed);
        if (dryRun) {
            return new RotationOutcome.Planned(plan, resumed);
        }
        if (plan.isEmpty()) {
            return new RotationOutcome.NothingToDo(plan.reason());
        }
        FunctionMover mover = FunctionMover.withDefaultPolling(consumers());
        // the target is checked where it was published, whichever account's functions move to it
        RotationRunner runner = new RotationRunner(mover, new TargetVersionCheck(clients.lambda(),
                FunctionMover.withDefaultPolling(clients.lambda())), journal, listener);
        RotationPublisher publisher = new RotationPublisher(material, clients.lambda(), clients.ssm(), kmsKeyId, releaseEvents, clock,
                line -> listener.notice("  " + line));
        RotationResult result = resumed ? runner.resume(plan, material, publisher, options) : runner.start(plan, material, publisher, options);
        return new RotationOutcome.Done(result, plan.materialStep(), journal.location());
    }

    /**
     * Moves every function the last rotation of the journal moved back to the version it was on
     * (see {@link RotationRollback}); a dry run only names the rotation.
     */
    public RotationOutcome rollBack(String service, String layerName, int concurrency, boolean dryRun) {
        RotationJournal journal = journal(service, layerName);
        RotationPlan last = journal.latest().orElseThrow(() -> new MtlsException("no rotation of " + service + " in " + journal.location()));
        boolean finished = journal.events(last.rotationId()).stream().anyMatch(e -> JournalEvent.ROLLBACK_COMPLETED.equals(e.event()));
        if (finished) {
            return new RotationOutcome.AlreadyRolledBack(last.rotationId());
        }
        if (dryRun) {
            return new RotationOutcome.RollbackPlanned(last.rotationId(), journal.location());
        }
        RotationRollback.Result result = new RotationRollback(FunctionMover.withDefaultPolling(consumers()), journal,
                (step, detail) -> listener.notice("  " + step + " " + detail)).rollBack(last, concurrency);
        return new RotationOutcome.RolledBack(last.rotationId(), result.rolledBack(), result.leftAlone());
    }

    /**
     * Deletes the versions of the layer that no function of the account-region uses and that are
     * older than {@code grace}, never the newest and never a parameter version; each deletion is
     * journaled. Each version's verdict is a notice as it is reached.
     */
    public RotationOutcome prune(String service, String layerName, Duration grace, boolean dryRun) {
        return prune(service, layerName, grace, dryRun, Set.of());
    }

    /**
     * As {@link #prune(String, String, Duration, boolean)}, keeping also the versions in
     * {@code alsoInUse}: those the functions of other accounts use ({@link LayerVersionsInUse}).
     */
    public RotationOutcome prune(String service, String layerName, Duration grace, boolean dryRun, Set<String> alsoInUse) {
        if (consumerAccount != null) {
            throw new IllegalStateException("only the publishing account prunes its layer");
        }
        RotationJournal journal = journal(service, layerName);
        List<ListedVersion> versions = new LayerLister(clients.lambda()).list(layerName);
        Set<String> inUse = new HashSet<>(alsoInUse);
        for (FunctionLayers function : FunctionInventory.read(clients.lambda())) {
            inUse.addAll(function.layerArns());
        }
        List<String> deleted = new ArrayList<>();
        for (LayerPruner.Candidate candidate : LayerPruner.candidates(versions, inUse, grace, clock.instant())) {
            if (candidate.deletable() && !dryRun) {
                LayerPruner.delete(clients.lambda(), candidate.layerVersionArn());
                journal.append("prune", JournalEvent.PRUNED, Map.of("layerVersionArn", candidate.layerVersionArn()));
                deleted.add(candidate.layerVersionArn());
            }
            listener.notice("  " + candidate.layerVersionArn() + ": " + (candidate.deletable() ? (dryRun ? "would delete" : "deleted")
                    : "kept, " + candidate.why()));
        }
        return new RotationOutcome.Pruned(deleted, dryRun);
    }

    /**
     * The versions the last rotation of the journal moved functions from, and the one it started
     * from: what {@link #rollBack} would move them back to, so a pruner that keeps them keeps the
     * rollback possible.
     */
    public Set<String> rollbackTargets(String service, String layerName) {
        Set<String> targets = new HashSet<>();
        journal(service, layerName).latest().ifPresent(plan -> {
            targets.add(plan.currentArn());
            plan.moves().forEach(move -> targets.add(move.fromArn()));
        });
        targets.remove("");
        return targets;
    }

    private LambdaClient consumers() {
        return consumers == null ? clients.lambda() : consumers;
    }

    private RotationJournal journal(String service, String layerName) {
        return journals.open(service, layerName, clients.region().id(), clock);
    }
}
