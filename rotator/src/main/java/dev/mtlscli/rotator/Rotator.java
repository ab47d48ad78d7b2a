package dev.mtlscli.rotator;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.Arns;
import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.ControlPlaneRateLimiter;
import dev.mtlscli.aws.LambdaRates;
import dev.mtlscli.layer.ReleaseEvents;
import dev.mtlscli.lease.LeaseHeldException;
import dev.mtlscli.lease.LeaseHolders;
import dev.mtlscli.lease.LeaseKeeper;
import dev.mtlscli.lease.LeaseScope;
import dev.mtlscli.lease.RotationLease;
import dev.mtlscli.pki.AcmPcaIssuer;
import dev.mtlscli.pki.CertificateIssuer;
import dev.mtlscli.pki.Fingerprints;
import dev.mtlscli.pki.KmsCertificateAuthority;
import dev.mtlscli.pki.KmsKey;
import dev.mtlscli.rotation.FunctionInventory;
import dev.mtlscli.rotation.InventoryLayer;
import dev.mtlscli.rotation.InventoryVersion;
import dev.mtlscli.rotation.LayerVersionsInUse;
import dev.mtlscli.rotation.JournalStore;
import dev.mtlscli.rotation.MaterialStep;
import dev.mtlscli.rotation.RotationJournal;
import dev.mtlscli.rotation.RotationListener;
import dev.mtlscli.rotation.RotationObserver;
import dev.mtlscli.rotation.RotationOutcome;
import dev.mtlscli.rotation.RotationRequest;
import dev.mtlscli.rotation.RotationService;
import dev.mtlscli.rotation.RunOptions;
import dev.mtlscli.rotation.StatusInventory;
import dev.mtlscli.rotation.StatusQuery;
import dev.mtlscli.rotation.StatusReport;
import dev.mtlscli.scheduled.DesiredState;
import dev.mtlscli.scheduled.RunRecord;
import dev.mtlscli.scheduled.RunRecordTable;
import dev.mtlscli.scheduled.DesiredStateTable;
import dev.mtlscli.scheduled.ScheduledIssuer;
import dev.mtlscli.scheduled.TableJournalStore;
import dev.mtlscli.telemetry.EmbeddedMetrics;
import dev.mtlscli.telemetry.ServiceHealth;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The scheduled rotator, callable without Lambda: the three tasks of the state machine. It reads
 * the desired states from the state table, what is deployed from each account-region, and keeps
 * its progress in the table (the lease and the journal of each service), so a slice killed at any
 * point is finished by the next one. Each service of a slice is one {@link RotationService} run,
 * the same core as `mtls-cli rotate`, under the same lease.
 */
public final class Rotator {
    /** A crashed slice blocks the next one for at most this long (as `rotate --lease-table`). */
    static final Duration LEASE_TTL = Duration.ofMinutes(5);

    private final RotatorSettings settings;
    private final Clock clock;
    private final PrintStream metricsOut;
    private final PrintStream log;
    private final SecureRandom random = new SecureRandom();
    private RotationObserver observer = RotationObserver.NONE;
    private UnaryOperator<JournalStore> journalStores = UnaryOperator.identity();

    /**
     * @param metricsOut where the EMF lines go (the function's stdout, which is its log)
     * @param log        where progress and failures are told (never a secret)
     */
    public Rotator(RotatorSettings settings, Clock clock, PrintStream metricsOut, PrintStream log) {
        this.settings = settings;
        this.clock = clock;
        this.metricsOut = metricsOut;
        this.log = log;
    }

    /** Also told each step right after it is journaled: tests cut a run off there, as a kill would. */
    Rotator observedBy(RotationObserver observer) {
        this.observer = observer;
        return this;
    }

    /** Keeps the journals in the stores this makes of the table's: tests fail a write there. */
    Rotator journalsThrough(UnaryOperator<JournalStore> stores) {
        this.journalStores = stores;
        return this;
    }

    /**
     * An account-region of the run: a Map item of the state machine. Without a role it is the
     * rotator's own account, which publishes each service's layer in the region; with one, a member
     * account whose functions use those layer versions.
     */
    public record Target(String account, String region, String roleArn) {
        public boolean publishing() {
            return roleArn == null;
        }
    }

    /** The account-regions of a run: the publishing ones first, since the members move to what they publish. */
    public record Targets(String runId, List<Target> targets) {
        public List<Target> publishers() {
            return targets.stream().filter(Target::publishing).toList();
        }

        public List<Target> members() {
            return targets.stream().filter(t -> !t.publishing()).toList();
        }
    }

    /** What a slice did; {@code cursor} is where the next slice starts when not {@code done}. */
    public record SliceResult(boolean done, String cursor, Target target, long moved, long renewed, long failures) {
    }

    /**
     * The union of the account-regions of every service's desired state, each once (with the role
     * the first state names for it), since a slice rotates every service of its account-region; a
     * service without a desired state fails the run. The state machine runs the publishing ones
     * first, then the members.
     */
    public Targets targets(String runId) {
        Map<String, Target> targets = new LinkedHashMap<>();
        try (AwsClients home = AwsClients.connect(settings.aws())) {
            for (DesiredState state : desiredStates(home)) {
                state.targets().forEach(t -> targets.putIfAbsent(t.account() + "/" + t.region(), new Target(t.account(), t.region(), t.roleArn())));
            }
        }
        return new Targets(runId == null || runId.isBlank() ? newRunId() : runId, List.copyOf(targets.values()));
    }

    /**
     * Rotates, in one account-region, each service whose desired state lists it, from {@code cursor}
     * on, and stops before a service when less than the margin is left. In the publishing account
     * that is the whole rotation (renew, publish, move its functions); in a member account it moves
     * the member's functions to the version the publishing account's slice of the region released
     * (as {@code rotate --accounts} does), under the member's own lease and journal.
     *
     * @param remainingMillis the time left to this invocation
     * @throws LeaseBusy when another rotation holds a service's lease
     * @throws Throttled when AWS throttled a call past the SDK's retries
     */
    public SliceResult slice(String runId, Target target, String cursor, LongSupplier remainingMillis) {
        ControlPlaneRateLimiter limiter = ControlPlaneRateLimiter.of(LambdaRates.DEFAULT);
        AtomicReference<LeaseKeeper> keeper = new AtomicReference<>();
        long moved = 0;
        long renewed = 0;
        long failures = 0;
        Runnable guard = () -> {
            // every change in the target is made only right after DynamoDB confirmed our lease
            LeaseKeeper held = keeper.get();
            if (held == null) {
                throw new IllegalStateException("a change outside a rotation lease");
            }
            held.confirm();
        };
        try (AwsClients home = AwsClients.connect(settings.aws());
             AwsClients regional = AwsClients.connect(settings.aws().withRegion(target.region()), limiter)) {
            regional.guardChanges(guard);
            List<DesiredState> all = desiredStates(home);
            AwsClients clients = target.publishing() ? regional : regional.inAccount(target.account(), roleName(target.roleArn()));
            // the member slices of a region run side by side, each in its own invocation, and all read the publishing
            // account's layer there: each takes only its share of that account-region's quota
            AwsClients publisher = target.publishing() ? regional
                    : AwsClients.connect(settings.aws().withRegion(target.region()),
                    ControlPlaneRateLimiter.share(LambdaRates.DEFAULT, membersIn(all, target.region())));
            if (publisher != regional) {
                publisher.guardChanges(guard);
            }
            try {
                List<DesiredState> states = all.stream()
                        .filter(state -> state.targets().stream().anyMatch(t -> t.account().equals(target.account())
                                && t.region().equals(target.region())))
                        .sorted(Comparator.comparing(DesiredState::service)).toList();
                RotationLease leases = new RotationLease(home.dynamoDb(), settings.stateTable(), clock);
                String holder = LeaseHolders.scheduledRotator(runId);
                for (DesiredState state : states) {
                    if (cursor != null && state.service().compareTo(cursor) < 0) {
                        continue;
                    }
                    if (remainingMillis.getAsLong() < settings.sliceMargin().toMillis()) {
                        log.println("slice of " + describe(target) + " stops before " + state.service() + ": "
                                + remainingMillis.getAsLong() / 1000 + " s left");
                        return new SliceResult(false, state.service(), target, moved, renewed, failures);
                    }
                    LeaseScope scope = new LeaseScope(target.account(), target.region(), state.layerName());
                    ServiceRun run;
                    try (LeaseKeeper held = LeaseKeeper.hold(leases, List.of(scope), holder, LEASE_TTL, clock, LEASE_TTL.dividedBy(3))) {
                        keeper.set(held);
                        run = rotate(state, target, clients, publisher, home, holder);
                    } catch (LeaseHeldException e) {
                        throw new LeaseBusy(e.getMessage(), e);
                    } finally {
                        keeper.set(null);
                    }
                    long unannounced = emit(state, target, publisher, clients, home, run);
                    moved += run.moved();
                    renewed += run.renewed();
                    failures += run.failures() + unannounced;
                    if (run.throttled() != null) {
                        throw new Throttled(state.service() + " in " + describe(target) + ": " + run.throttled().getMessage(), run.throttled());
                    }
                }
            } finally {
                if (clients != regional) {
                    clients.close();
                }
                if (publisher != regional) {
                    publisher.close();
                }
            }
        }
        return new SliceResult(true, null, target, moved, renewed, failures);
    }

    /**
     * Counts the targets that failed; the run succeeds (its heartbeat metric is written) only when
     * none did. A target whose lease was busy is not a failure: the next run rotates it.
     *
     * @throws RotationFailed naming the failed targets
     */
    public long report(String runId, List<ReportedResult> results) {
        List<String> failed = new ArrayList<>();
        java.util.Set<String> failedTargets = new java.util.HashSet<>();
        java.util.Set<String> busyTargets = new java.util.HashSet<>();
        for (ReportedResult result : results) {
            String where = result.target().account() + "/" + result.target().region();
            if (result.busy()) {
                busyTargets.add(where);
            } else if (result.failures() > 0 || result.error() != null) {
                failedTargets.add(where);
                failed.add(describe(result.target()) + (result.error() == null ? " (" + result.failures() + " failed)"
                        : " (" + result.error() + ")"));
            }
        }
        recordRuns(runId, failedTargets, busyTargets);
        if (!failed.isEmpty()) {
            throw new RotationFailed("run " + runId + ": " + failed.size() + " of " + results.size() + " target(s) failed: "
                    + String.join(", ", failed));
        }
        metricsOut.println(new EmbeddedMetrics(settings.metricsNamespace()).runSucceeded(clock.instant()));
        return 0;
    }

    /**
     * Leaves each service's last-run record (`status --lease-table` shows it): failed when one of
     * its account-regions failed, busy when all of them were busy, succeeded otherwise; the next
     * run is due one schedule period after this one.
     */
    private void recordRuns(String runId, java.util.Set<String> failedTargets, java.util.Set<String> busyTargets) {
        Instant now = clock.instant();
        Instant nextBy = settings.schedulePeriod() == null ? null : now.plus(settings.schedulePeriod());
        try (AwsClients home = AwsClients.connect(settings.aws())) {
            RunRecordTable runs = new RunRecordTable(home.dynamoDb(), settings.stateTable());
            for (DesiredState state : desiredStates(home)) {
                List<String> where = state.targets().stream().map(t -> t.account() + "/" + t.region()).distinct().toList();
                List<String> failedHere = where.stream().filter(failedTargets::contains).toList();
                String outcome = !failedHere.isEmpty() ? RunRecord.FAILED
                        : !where.isEmpty() && busyTargets.containsAll(where) ? RunRecord.BUSY : RunRecord.SUCCEEDED;
                runs.write(new RunRecord(state.service(), runId, now, outcome, failedHere, nextBy));
            }
        } catch (RuntimeException e) {
            // the run's own outcome stands; a record that could not be written leaves status to say the last run is overdue
            log.println("the last-run records could not be written: " + e.getMessage());
        }
    }

    /** One result of the Map, as the state machine passes it to the report. */
    public record ReportedResult(Target target, long failures, boolean busy, String error) {
    }

    private record ServiceRun(long renewed, long moved, long failures, RuntimeException throttled) {
    }

    /**
     * @param clients   the target's (assumed in a member account)
     * @param publisher the rotator's own account in the target's region, where the layer is published
     *                  (the target's own clients when the target is that account)
     */
    private ServiceRun rotate(DesiredState state, Target target, AwsClients clients, AwsClients publisher, AwsClients home, String holder) {
        try {
            if (!state.parameterPrefix().startsWith(settings.parameterPrefix())) {
                // the construct grants SSM rights under MTLS_PARAMETER_PREFIX only
                throw new MtlsException("its parameter prefix " + state.parameterPrefix() + " is outside the rotator's "
                        + settings.parameterPrefix() + " (MTLS_PARAMETER_PREFIX); deploy the rotator with that prefix or move the passwords");
            }
            AwsMaterialSource material = new AwsMaterialSource(state, publisher.lambda(), publisher.ssm(), issuer -> issuer(issuer, home),
                    random);
            RotationRequest request = new RotationRequest(state.service(), state.layerName(), renewBefore(state, material.currentCertificate()),
                    false, state.functions(), state.functionTags(), RotationRequest.CaRolloverRequest.NONE);
            RotationService.Journals journals = (service, layerName, region, at) -> RotationJournal.inStore(journalStores.apply(
                    new TableJournalStore(home.dynamoDb(), settings.stateTable(), new LeaseScope(target.account(), region, layerName))),
                    service, layerName, region, at, holder);
            RotationService service = new RotationService(journals, publisher, clock, listener(state))
                    .announcingOn(new ReleaseEvents(home.events(), settings.eventBus()));
            if (!target.publishing()) {
                service.movingConsumersOf(target.account(), clients.lambda());
            }
            RotationOutcome outcome = service.rotate(request, material, new RunOptions(state.canary(), RunOptions.DEFAULT_CONCURRENCY,
                    state.verifyInvoke() ? "{}" : null), state.ssmKmsKeyId(), false);
            if (outcome instanceof RotationOutcome.Done done) {
                log.println(state.service() + " in " + describe(target) + ": rotation " + done.result().rotationId() + " done, "
                        + done.result().moved().size() + " function(s) moved to " + done.result().targetArn());
                return new ServiceRun(done.materialStep() == MaterialStep.RENEW ? 1 : 0, done.result().moved().size(),
                        prune(state, target, publisher, service), null);
            }
            if (outcome instanceof RotationOutcome.NothingToDo nothing) {
                log.println(state.service() + " in " + describe(target) + ": nothing to do: " + nothing.reason());
                return new ServiceRun(0, 0, prune(state, target, publisher, service), null);
            }
            return new ServiceRun(0, 0, 0, null);
        } catch (RuntimeException e) {
            log.println(state.service() + " in " + describe(target) + " FAILED: " + e.getMessage());
            return new ServiceRun(0, 0, 1, throttling(e) ? e : null);
        }
    }

    /**
     * The state's retention policy, in the slice of a home account-region only: its layer lives
     * there, and the functions of the state's member accounts of the region use it too, so their
     * versions are kept as well; a member that cannot be read prunes nothing (fail safe) and is a
     * failure (loud).
     *
     * @return the failures: 0 or 1
     */
    private long prune(DesiredState state, Target target, AwsClients publisher, RotationService service) {
        if (state.pruneGraceDays() == null || !target.publishing()) {
            return 0;
        }
        try {
            List<LayerVersionsInUse.Account> members = state.targets().stream()
                    .filter(t -> t.roleArn() != null && t.region().equals(target.region()))
                    .map(t -> new LayerVersionsInUse.Account(t.account(), roleName(t.roleArn()))).toList();
            Set<String> kept = new HashSet<>(LayerVersionsInUse.inAccounts(publisher, members));
            // what the last rotation moved functions off stays, so that rotate --rollback can still move them back
            kept.addAll(service.rollbackTargets(state.service(), state.layerName()));
            RotationOutcome.Pruned pruned = (RotationOutcome.Pruned) service.prune(state.service(), state.layerName(),
                    Duration.ofDays(state.pruneGraceDays()), false, kept);
            log.println(state.service() + " in " + describe(target) + ": pruned " + pruned.deleted().size() + " layer version(s) older than "
                    + state.pruneGraceDays() + " day(s) that no function here or in " + members.size() + " member account(s) uses");
            return 0;
        } catch (RuntimeException e) {
            log.println(state.service() + " in " + describe(target) + ": pruning FAILED: " + e.getMessage());
            return 1;
        }
    }

    /** The renewal point of the desired state's policy, as the window before expiry the planner takes. */
    private static Duration renewBefore(DesiredState state, X509Certificate current) {
        Instant notBefore = current.getNotBefore().toInstant();
        Instant notAfter = current.getNotAfter().toInstant();
        Instant renewAt = state.renewalPolicy().renewAt(notBefore, notAfter, state.service() + ":" + Fingerprints.sha256(current));
        Duration before = Duration.between(renewAt, notAfter);
        return before.isNegative() ? Duration.ZERO : before;
    }

    private CertificateIssuer issuer(ScheduledIssuer issuer, AwsClients home) {
        if (issuer instanceof ScheduledIssuer.Kms kms) {
            String region = Arns.region(kms.keyArn());
            KmsKey key = KmsKey.connect(home.kms(Region.of(region)), kms.keyArn(), region);
            return KmsCertificateAuthority.connect(key, kms.chain().get(0), random, clock);
        }
        ScheduledIssuer.AcmPca pca = (ScheduledIssuer.AcmPca) issuer;
        // a Private CA issues only in its own region, which need not be the rotator's
        String region = Arns.region(pca.caArn());
        if (region == null) {
            throw new MtlsException("the desired state's Private CA " + pca.caArn() + " is not an ACM PCA ARN with a region");
        }
        return AcmPcaIssuer.connect(home.acmPca(Region.of(region)), pca.caArn());
    }

    /**
     * The service's EMF line, from a fresh read of what is deployed; a read that fails reports it
     * unreadable, never healthy. A publishing target also announces its versions that expire
     * within {@link RotatorSettings#expiringWithin()}.
     *
     * @return the failures of the announcements: 0 or 1
     */
    private long emit(DesiredState state, Target target, AwsClients publisher, AwsClients clients, AwsClients home, ServiceRun run) {
        Instant now = clock.instant();
        ServiceHealth health;
        long failures = 0;
        try {
            StatusQuery query = StatusQuery.of(List.of(state.layerName()), null, StatusQuery.DEFAULT_RENEW_BEFORE_DAYS, now);
            // a member's functions pin the publishing account's versions: its pins are what its metric tells
            StatusInventory inventory = new StatusInventory(publisher.lambda());
            StatusReport report = target.publishing() ? inventory.read(query) : inventory.read(query, List.of(target.account()),
                    account -> FunctionInventory.read(clients.lambda()), StatusInventory.AccountsProgress.NONE);
            if (!report.failedAccounts().isEmpty()) {
                throw new MtlsException("the functions of " + describe(target) + " could not be read: "
                        + String.join("; ", report.failedAccounts().values()));
            }
            InventoryLayer layer = report.layers().stream().filter(l -> l.layerName().equals(state.layerName())).findFirst().orElse(null);
            health = ServiceHealth.of(state.service(), layer, now);
            if (target.publishing() && layer != null) {
                failures = announceExpiring(state, layer, home, now);
            }
        } catch (RuntimeException e) {
            log.println(state.service() + ": its layer could not be read for the metrics: " + e.getMessage());
            health = ServiceHealth.of(state.service(), null, now);
        }
        metricsOut.println(new EmbeddedMetrics(settings.metricsNamespace())
                .service(new EmbeddedMetrics.ServiceRun(health, run.renewed(), run.moved(), run.failures() + failures), now));
        return failures;
    }

    /**
     * An event per version whose certificate expires within the window and that is not yet
     * expired, each run: the consumers the rotator may not move (other teams' accounts, granted
     * the layer) learn from it by when to move to the newest version, which the event names.
     */
    private long announceExpiring(DesiredState state, InventoryLayer layer, AwsClients home, Instant now) {
        InventoryVersion newest = layer.versions().stream().filter(v -> !v.deleted())
                .max(Comparator.comparingLong(InventoryVersion::version)).orElse(null);
        ReleaseEvents events = new ReleaseEvents(home.events(), settings.eventBus());
        for (InventoryVersion version : layer.versions()) {
            Instant notAfter = version.notAfter();
            if (version.deleted() || notAfter == null || !notAfter.isAfter(now) || !notAfter.isBefore(now.plus(settings.expiringWithin()))) {
                continue;
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("schemaVersion", 1);
            detail.put("service", state.service());
            detail.put("layerName", layer.layerName());
            detail.put("layerVersion", version.version());
            detail.put("layerVersionArn", version.layerVersionArn());
            detail.put("certificateNotAfter", notAfter.toString());
            detail.put("daysLeft", Duration.between(now, notAfter).toDays());
            detail.put("newestLayerVersionArn", newest == null ? null : newest.layerVersionArn());
            detail.put("newestIsExpiring", newest != null && newest.version() == version.version());
            try {
                events.put(ReleaseEvents.EXPIRING, dev.mtlscli.json.Json.writeLine(detail), List.of(version.layerVersionArn()));
            } catch (RuntimeException e) {
                log.println(state.service() + ": " + version.layerVersionArn() + " expires " + notAfter
                        + ", and that could not be announced: " + e.getMessage());
                return 1;
            }
            log.println(state.service() + ": announced that " + version.layerVersionArn() + " expires " + notAfter);
        }
        return 0;
    }

    private RotationListener listener(DesiredState state) {
        return new RotationListener() {
            @Override
            public void notice(String line) {
                log.println(state.service() + ": " + line.strip());
            }

            @Override
            public void done(String step, String detail) {
                observer.done(step, detail);
            }
        };
    }

    private List<DesiredState> desiredStates(AwsClients home) {
        DesiredStateTable table = new DesiredStateTable(home.dynamoDb(), settings.stateTable());
        List<DesiredState> states = new ArrayList<>();
        for (String service : settings.services()) {
            states.add(table.read(service).orElseThrow(() -> new RotationFailed("no desired state of " + service + " in DynamoDB table "
                    + settings.stateTable() + " (item desired/" + service + "); write it from the workspace, or remove " + service
                    + " from the rotator's services")).state());
        }
        return states;
    }

    /** The member account-regions of every desired state in {@code region}, each once. */
    static int membersIn(List<DesiredState> states, String region) {
        return (int) states.stream().flatMap(state -> state.targets().stream())
                .filter(t -> t.roleArn() != null && t.region().equals(region)).map(DesiredState.Target::account).distinct().count();
    }

    /** Throttled past the SDK's retries: the state machine retries the slice later, with backoff. */
    static boolean throttling(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof AwsServiceException aws && (aws.isThrottlingException() || aws.statusCode() == 429)) {
                return true;
            }
            // a stopped rotation keeps only the message of the move that failed, which names AWS's error code
            String message = String.valueOf(cause.getMessage());
            if (message.contains("TooManyRequestsException") || message.contains("ThrottlingException")) {
                return true;
            }
        }
        return false;
    }

    static String roleName(String roleArn) {
        int at = roleArn.indexOf(":role/");
        if (at < 0) {
            throw new MtlsException("target role " + roleArn + " is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
        }
        return roleArn.substring(at + ":role/".length());
    }

    private static String describe(Target target) {
        return target.account() + "/" + target.region();
    }

    private static String newRunId() {
        return "run-" + UUID.randomUUID();
    }
}
