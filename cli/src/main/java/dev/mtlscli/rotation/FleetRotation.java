package dev.mtlscli.rotation;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.aws.LayerVersionArn;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * A rotation over regions and accounts with one plan and one journal
 * (rotations/&lt;service&gt;.fleet.jsonl, every line naming its account and region).
 *
 * <p>The workspace's material changes once; the layer is then published in every region by the
 * publishing account (each region's version pinning its own parameters); then each region's
 * canaries move one by one, then the rest, at most {@code concurrency} at a time per account
 * and region and {@code globalConcurrency} in all. A function moves in its own account, with
 * the credentials of the role assumed there. An account that cannot be reached (its role cannot
 * be assumed, throttled past the retries) stops only its own moves; the others complete, and the
 * result names what is not done. Run again, it resumes from the journal.
 */
public final class FleetRotation {
    static final String FLEET_PLANNED = "fleet-planned";
    static final String ACCOUNT_FAILED = "account-failed";
    static final String MOVES_ADDED = "fleet-moves-added";

    /** The publishing account in one region: its Lambda and SSM clients. */
    public record HomeRegion(String region, LambdaClient lambda, SsmClient ssm) {
    }

    /** A function to move: where it runs, and the version it is on. */
    public record FleetMove(String account, String region, String functionName, String fromArn) {
        String key() {
            return account + "/" + region + "/" + functionName;
        }
    }

    /** What a run did: moved, already there before, and what could not be done, by account/region. */
    public record Result(String rotationId, boolean resumed, Map<String, Integer> planned, Map<String, String> published,
                         List<FleetMove> moved, List<FleetMove> alreadyDone, Map<String, String> notDone) {
        public boolean complete() {
            return notDone.isEmpty();
        }
    }

    private final Path workspace;
    private final String homeAccount;
    private final List<HomeRegion> regions;
    private final List<String> memberAccounts;
    private final BiFunction<String, String, LambdaClient> memberLambda;
    private final RotationJournal journal;
    private final Clock clock;
    private final Consumer<String> progress;

    /**
     * @param memberLambda (account, region) to a Lambda client acting in that account
     */
    public FleetRotation(Path workspace, String service, String layerName, String homeAccount, List<HomeRegion> regions, List<String> memberAccounts,
                         BiFunction<String, String, LambdaClient> memberLambda, Clock clock, Consumer<String> progress) {
        this.workspace = workspace;
        this.homeAccount = homeAccount;
        this.regions = List.copyOf(regions);
        this.memberAccounts = List.copyOf(memberAccounts);
        this.memberLambda = memberLambda;
        this.journal = RotationJournal.forFleet(workspace, service, layerName, clock);
        this.clock = clock;
        this.progress = progress;
    }

    public Path journalFile() {
        return journal.file();
    }

    /**
     * Plans (or takes the unfinished plan from the journal) and runs it.
     *
     * @param material applies the material step once, before anything is published
     */
    public Result run(RotationRequest request, RotationRunner.Material material, String kmsKeyId, int canary, int concurrency,
                      int globalConcurrency) {
        Optional<String> unfinished = unfinished();
        String id;
        Map<String, RotationPlan> plans = new LinkedHashMap<>();
        List<FleetMove> moves = new ArrayList<>();
        Map<String, String> notDone = new ConcurrentHashMap<>();
        MaterialStep step;
        if (unfinished.isPresent()) {
            id = unfinished.get();
            Set<String> unplanned = new LinkedHashSet<>();
            for (JournalEvent event : journal.events(id)) {
                if (JournalEvent.PLANNED.equals(event.event())) {
                    journal.checkLayerAndRegion(event);
                    plans.put(event.detail("region"), journal.plan(event));
                } else if (FLEET_PLANNED.equals(event.event()) || MOVES_ADDED.equals(event.event())) {
                    moves.addAll(parseMoves(event.detail("moves")));
                    if (event.detail("where") != null) {
                        unplanned.remove(event.detail("where"));
                    }
                } else if (ACCOUNT_FAILED.equals(event.event()) && event.detail("where") != null) {
                    unplanned.add(event.detail("where"));
                }
            }
            step = plans.values().iterator().next().materialStep();
            progress.accept("Resuming fleet rotation " + id + " from " + journal.file());
            // an account whose functions could not be listed when planning is listed now
            for (String where : unplanned) {
                String[] parts = where.split("/", 2);
                try {
                    List<FleetMove> added = memberMoves(parts[0], parts[1], plans.get(parts[1]));
                    journal.append(id, MOVES_ADDED, Map.of("where", where, "moves", formatMoves(added)));
                    moves.addAll(added);
                } catch (RuntimeException e) {
                    notDone.put(where, String.valueOf(e.getMessage()));
                }
            }
        } else {
            step = MaterialStep.NONE;
            id = null;
            List<String> withoutLayer = new ArrayList<>();
            for (HomeRegion home : regions) {
                if (!published(home.lambda(), request.layerName())) {
                    withoutLayer.add(home.region()); // a region joining the fleet: published there, nothing to move
                    continue;
                }
                RotationPlan plan = new RotationPlanner(home.lambda(), clock).plan(request, MaterialStep.NONE);
                if (id == null) {
                    id = plan.rotationId();
                }
                plans.put(home.region(), plan);
                if (plan.materialStep() != MaterialStep.NONE) {
                    step = plan.materialStep();
                }
                for (Move move : plan.moves()) {
                    moves.add(new FleetMove(homeAccount, home.region(), move.functionName(), move.fromArn()));
                }
            }
            if (plans.isEmpty()) {
                throw new MtlsException("layer " + request.layerName() + " is published in none of " + String.join(", ",
                        regions.stream().map(HomeRegion::region).toList()) + "; publish it first with 'mtls-cli layer publish --regions'");
            }
            RotationPlan template = plans.values().iterator().next();
            for (String region : withoutLayer) {
                plans.put(region, new RotationPlan(id, template.service(), template.layerName(), "", template.currentNotAfter(),
                        template.materialStep(), "the layer is not published in " + region + " yet", template.parameterPrefix(),
                        template.grants(), template.compatibleRuntimes(), List.of()));
            }
            for (String account : memberAccounts) {
                for (HomeRegion home : regions) {
                    try {
                        moves.addAll(memberMoves(account, home.region(), plans.get(home.region())));
                    } catch (RuntimeException e) {
                        notDone.put(account + "/" + home.region(), String.valueOf(e.getMessage()));
                    }
                }
            }
            for (Map.Entry<String, RotationPlan> entry : plans.entrySet()) {
                RotationPlan plan = entry.getValue();
                RotationPlan fleetPlan = new RotationPlan(id, plan.service(), plan.layerName(), plan.currentArn(),
                        plan.currentNotAfter(), step, plan.reason(), plan.parameterPrefix(), plan.grants(), plan.compatibleRuntimes(),
                        List.of());
                plans.put(entry.getKey(), fleetPlan);
                Map<String, String> details = new LinkedHashMap<>(fleetPlan.toJournal());
                details.put("account", homeAccount);
                details.put("region", entry.getKey());
                journal.append(id, JournalEvent.PLANNED, details);
            }
            journal.append(id, FLEET_PLANNED, Map.of("moves", formatMoves(moves), "accounts",
                    String.join(",", memberAccounts), "regions", String.join(",", plans.keySet()), "account", "all", "region", "all"));
            String planned = id;
            notDone.forEach((where, why) -> journal.append(planned, ACCOUNT_FAILED, Map.of("where", where, "reason", why)));
        }
        String rotationId = id;
        List<JournalEvent> events = journal.events(rotationId);
        Map<String, Integer> planned = new java.util.TreeMap<>();
        for (FleetMove move : moves) {
            planned.merge(move.account() + "/" + move.region(), 1, Integer::sum);
        }
        progress.accept("Plan " + rotationId + ": " + (step == MaterialStep.NONE ? "no renewal" : step.name().toLowerCase(java.util.Locale.ROOT))
                + " (" + plans.values().iterator().next().reason() + "), publish in " + String.join(", ", plans.keySet()) + ", move "
                + moves.size() + " function(s)");
        planned.forEach((where, count) -> progress.accept("  " + where + ": " + count + " function(s)"));
        notDone.forEach((where, why) -> progress.accept("  " + where + ": cannot be read: " + why));

        if (step != MaterialStep.NONE && events.stream().noneMatch(e -> JournalEvent.MATERIAL_READY.equals(e.event()))) {
            material.apply(step);
            journal.append(rotationId, JournalEvent.MATERIAL_READY, Map.of("step", step.name(), "account", homeAccount, "region", "all"));
            progress.accept("material: " + step);
        }

        Map<String, String> published = new LinkedHashMap<>();
        for (JournalEvent event : events) {
            if (JournalEvent.PUBLISHED.equals(event.event())) {
                published.put(event.detail("region"), event.detail("layerVersionArn"));
                RotationPlan plan = plans.get(event.detail("region"));
                if (plan != null && !plan.currentArn().isEmpty()) {
                    LambdaClient lambda = home(event.detail("region")).lambda();
                    new TargetVersionCheck(lambda, FunctionMover.withDefaultPolling(lambda))
                            .check(plan, event.detail("layerVersionArn"), journal.file() + " line " + event.line());
                }
            }
        }
        for (HomeRegion home : regions) {
            RotationPlan plan = plans.get(home.region());
            if (plan == null || published.containsKey(home.region())) {
                continue;
            }
            String target = step == MaterialStep.NONE && !plan.currentArn().isEmpty() ? plan.currentArn()
                    : new RotationPublisher(workspace, home.lambda(), home.ssm(), kmsKeyId, clock,
                            line -> progress.accept("  " + home.region() + ": " + line)).publish(plan);
            journal.append(rotationId, JournalEvent.PUBLISHED, Map.of("account", homeAccount, "region", home.region(),
                    "layerVersionArn", target));
            published.put(home.region(), target);
            progress.accept("published in " + home.region() + ": " + target);
        }

        Set<String> done = new LinkedHashSet<>();
        for (JournalEvent event : events) {
            if (JournalEvent.FUNCTION_MOVED.equals(event.event())) {
                done.add(event.detail("account") + "/" + event.detail("region") + "/" + event.detail("function"));
            }
        }
        // journaled as moved is read again live by the move (its one GetFunction): a function put
        // back by hand since is moved again, not counted as there
        List<FleetMove> alreadyDone = Collections.synchronizedList(new ArrayList<>());
        List<FleetMove> remaining = new ArrayList<>();
        List<FleetMove> journaledDone = new ArrayList<>();
        for (FleetMove move : moves) {
            (done.contains(move.key()) ? journaledDone : remaining).add(move);
        }
        remaining.addAll(journaledDone);
        List<FleetMove> moved = Collections.synchronizedList(new ArrayList<>());
        moveAll(rotationId, remaining, published, canary, concurrency, globalConcurrency, moved, notDone,
                move -> done.contains(move.key()), alreadyDone);

        if (notDone.isEmpty()) {
            journal.append(rotationId, JournalEvent.COMPLETED, Map.of("moved", Integer.toString(moved.size() + alreadyDone.size()),
                    "account", "all", "region", "all"));
        } else {
            journal.append(rotationId, JournalEvent.STOPPED, Map.of("notDone", String.join(",", new java.util.TreeSet<>(notDone.keySet())),
                    "account", "all", "region", "all"));
        }
        return new Result(rotationId, unfinished.isPresent(), planned, published, List.copyOf(moved), List.copyOf(alreadyDone),
                new java.util.TreeMap<>(notDone));
    }

    /**
     * The functions of a member account in a region that use a version of the region's layer;
     * none where the layer is not published yet (no function can use it).
     */
    private List<FleetMove> memberMoves(String account, String region, RotationPlan plan) {
        List<FleetMove> moves = new ArrayList<>();
        if (plan.currentArn().isEmpty()) {
            return moves;
        }
        String layerArn = LayerVersionArn.parse(plan.currentArn()).layerArn();
        for (FunctionLayers function : FunctionInventory.read(memberLambda.apply(account, region))) {
            function.versionOf(layerArn).ifPresent(on -> moves.add(new FleetMove(account, region, function.functionName(), on.arn())));
        }
        return moves;
    }

    /** Canaries of each region one by one, then everything else in parallel within the bounds, the account-regions side by side. */
    private void moveAll(String id, List<FleetMove> remaining, Map<String, String> published, int canary, int concurrency,
                         int globalConcurrency, List<FleetMove> moved, Map<String, String> notDone,
                         java.util.function.Predicate<FleetMove> journaled, List<FleetMove> alreadyDone) {
        List<FleetMove> rest = new ArrayList<>();
        Map<String, Integer> canariesByRegion = new LinkedHashMap<>();
        for (FleetMove move : remaining) {
            int taken = canariesByRegion.getOrDefault(move.region(), 0);
            if (taken < canary) {
                canariesByRegion.put(move.region(), taken + 1);
                moveOne(id, move, published, moved, notDone, journaled, alreadyDone);
            } else {
                rest.add(move);
            }
        }
        if (!notDone.isEmpty() && canary > 0) {
            // a canary that failed stops its account, not the fleet
            rest.removeIf(move -> notDone.containsKey(move.account() + "/" + move.region()));
        }
        MoveQueues queues = new MoveQueues(rest, concurrency);
        int workers = Math.max(1, Math.min(globalConcurrency, rest.size()));
        ExecutorService pool = Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, "mtls-fleet-move");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                futures.add(pool.submit(() -> {
                    for (FleetMove move = queues.take(); move != null; move = queues.take()) {
                        try {
                            moveOne(id, move, published, moved, notDone, journaled, alreadyDone);
                        } finally {
                            queues.done(move);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new MtlsException("a move failed unexpectedly: " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MtlsException("interrupted while moving functions; run rotate again to continue");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The moves left, queued per account-region in their order, handed to the fleet's workers so
     * that a worker never waits for a busy account-region while another one has work: each take
     * goes round the account-regions from where the last one left off, to the next one under
     * {@code perTarget} moves in flight. Queued one after the other in a single queue, the first
     * account-region's moves held every worker (most of them waiting for one of its slots) and the
     * account-regions of a fleet moved one or two at a time, each at its own quota's rate
     * (docs/benchmarks.md, "Rotation of a fleet").
     */
    private static final class MoveQueues {
        private final List<String> targets = new ArrayList<>();
        private final Map<String, java.util.ArrayDeque<FleetMove>> queued = new LinkedHashMap<>();
        private final Map<String, Integer> inFlight = new java.util.HashMap<>();
        private final int perTarget;
        private int left;
        private int next;

        MoveQueues(List<FleetMove> moves, int perTarget) {
            this.perTarget = perTarget;
            for (FleetMove move : moves) {
                String where = move.account() + "/" + move.region();
                queued.computeIfAbsent(where, key -> {
                    targets.add(key);
                    return new java.util.ArrayDeque<>();
                }).add(move);
            }
            left = moves.size();
        }

        /** The next move to make, waiting while every account-region with moves left is at its bound; null when none is left. */
        synchronized FleetMove take() throws InterruptedException {
            while (left > 0) {
                for (int i = 0; i < targets.size(); i++) {
                    int at = (next + i) % targets.size();
                    String where = targets.get(at);
                    java.util.ArrayDeque<FleetMove> waiting = queued.get(where);
                    if (!waiting.isEmpty() && inFlight.getOrDefault(where, 0) < perTarget) {
                        next = at + 1;
                        inFlight.merge(where, 1, Integer::sum);
                        left--;
                        return waiting.poll();
                    }
                }
                wait();
            }
            return null;
        }

        /** A move taken is finished (done or failed): its account-region has a slot again. */
        synchronized void done(FleetMove move) {
            inFlight.merge(move.account() + "/" + move.region(), -1, Integer::sum);
            notifyAll();
        }
    }

    private void moveOne(String id, FleetMove move, Map<String, String> published, List<FleetMove> moved, Map<String, String> notDone,
                         java.util.function.Predicate<FleetMove> journaled, List<FleetMove> alreadyDone) {
        String where = move.account() + "/" + move.region();
        if (notDone.containsKey(where)) {
            return;
        }
        String target = published.get(move.region());
        try {
            LambdaClient lambda = lambdaOf(move.account(), move.region());
            Optional<LayerVersionArn> from = FunctionMover.withDefaultPolling(lambda).move(move.functionName(), LayerVersionArn.parse(target));
            if (from.isEmpty() && journaled.test(move)) {
                alreadyDone.add(move);
                return;
            }
            journal.append(id, JournalEvent.FUNCTION_MOVED, Map.of("account", move.account(), "region", move.region(),
                    "function", move.functionName(), "from", from.map(LayerVersionArn::arn).orElse(target), "to", target));
            moved.add(move);
        } catch (RuntimeException e) {
            // the account (and region) stops: its role, its throttling or its functions are the problem
            notDone.putIfAbsent(where, move.functionName() + ": " + e.getMessage());
            journal.append(id, ACCOUNT_FAILED, Map.of("account", move.account(), "region", move.region(),
                    "function", move.functionName(), "reason", String.valueOf(e.getMessage())));
        }
    }

    /** Whether the layer has a version in the client's region (one page of ListLayerVersions, no download). */
    private static boolean published(LambdaClient lambda, String layerName) {
        return AwsCalls.call(AwsService.LAMBDA, "ListLayerVersions " + layerName,
                () -> !lambda.listLayerVersions(b -> b.layerName(layerName).maxItems(1)).layerVersions().isEmpty());
    }

    /** Lambda as the account itself: the publishing account's own client, or the role assumed in a member account. */
    private LambdaClient lambdaOf(String account, String region) {
        return account.equals(homeAccount) ? home(region).lambda() : memberLambda.apply(account, region);
    }

    private HomeRegion home(String region) {
        return regions.stream().filter(home -> home.region().equals(region)).findFirst()
                .orElseThrow(() -> new MtlsException("region " + region + " is not part of this rotation"));
    }

    /** The newest fleet rotation of the journal that neither completed nor was rolled back. */
    private Optional<String> unfinished() {
        String last = null;
        boolean finished = false;
        for (JournalEvent event : journal.read()) {
            if (FLEET_PLANNED.equals(event.event())) {
                last = event.rotation();
                finished = false;
            } else if (event.rotation().equals(last)
                    && (JournalEvent.COMPLETED.equals(event.event()) || JournalEvent.ROLLBACK_COMPLETED.equals(event.event()))) {
                finished = true;
            }
        }
        return last == null || finished ? Optional.empty() : Optional.of(last);
    }

    /**
     * @param rolledBack account/region/function of each function moved back
     * @param leftAlone  one line per function left where it was, saying where and why
     */
    public record RollbackResult(List<String> rolledBack, List<String> leftAlone) {
    }

    /**
     * Moves every function the newest fleet rotation moved back to the version it was on, each
     * in its own account and region. One no longer on the version this rotation moved it to is
     * left alone and named in the result, so that the caller does not report a full rollback.
     */
    public RollbackResult rollBack() {
        String last = null;
        for (JournalEvent event : journal.read()) {
            if (FLEET_PLANNED.equals(event.event())) {
                last = event.rotation();
            }
        }
        if (last == null) {
            throw new MtlsException("no fleet rotation in " + journal.file());
        }
        for (JournalEvent event : journal.events(last)) {
            if (JournalEvent.PLANNED.equals(event.event())) {
                journal.checkLayerAndRegion(event);
            }
        }
        List<String> back = new ArrayList<>();
        List<String> leftAlone = new ArrayList<>();
        for (JournalEvent event : journal.events(last)) {
            if (!JournalEvent.FUNCTION_MOVED.equals(event.event()) || java.util.Objects.equals(event.detail("from"), event.detail("to"))) {
                continue;
            }
            String account = event.detail("account");
            String region = event.detail("region");
            LambdaClient lambda = lambdaOf(account, region);
            // only a function still on this rotation's version: a newer rotation's, or a person's, move stays
            LayerVersionArn found = FunctionMover.withDefaultPolling(lambda).moveIfOn(event.detail("function"),
                    journal.arnOf(event, "to"), journal.arnOf(event, "from"));
            if (!found.arn().equals(event.detail("to")) && !found.arn().equals(event.detail("from"))) {
                leftAlone.add(account + "/" + region + "/" + event.detail("function") + " is on " + found.arn()
                        + ", not on " + event.detail("to") + " where this rotation moved it: left alone");
                continue;
            }
            journal.append(last, JournalEvent.FUNCTION_ROLLED_BACK, Map.of("account", account, "region", region,
                    "function", event.detail("function"), "to", event.detail("from")));
            back.add(account + "/" + region + "/" + event.detail("function"));
        }
        journal.append(last, JournalEvent.ROLLBACK_COMPLETED, Map.of("functions", Integer.toString(back.size()),
                "leftAlone", Integer.toString(leftAlone.size()), "account", "all", "region", "all"));
        return new RollbackResult(back, leftAlone);
    }

    private static String formatMoves(List<FleetMove> moves) {
        return String.join(",", moves.stream().map(m -> m.account() + "/" + m.region() + "/" + m.functionName() + "=" + m.fromArn()).toList());
    }

    private static List<FleetMove> parseMoves(String text) {
        List<FleetMove> moves = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return moves;
        }
        for (String entry : text.split(",")) {
            int equals = entry.indexOf('=');
            String[] where = entry.substring(0, equals).split("/", 3);
            moves.add(new FleetMove(where[0], where[1], where[2], entry.substring(equals + 1)));
        }
        return moves;
    }
}
