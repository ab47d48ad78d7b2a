package dev.mtlscli.rotation;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.LayerVersionArn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Applies a {@link RotationPlan} step by step, each step recorded in the journal once done:
 * the workspace material, the new layer version, then every consumer moved (canary first, then
 * the fleet with bounded concurrency), each optionally verified by an invocation. A run reads
 * the journal first and skips what is done, so running it again after a crash finishes the
 * rotation; each step is idempotent, so the step that was in flight is simply done again.
 *
 * <p>No moment has a function with a keystore and a password that do not match: the function
 * gets a whole layer version, whose manifest pins the password versions it was built with.
 */
public final class RotationRunner {
    /** Changes the workspace for a material step (renewal or a CA rollover step). */
    @FunctionalInterface
    public interface Material {
        void apply(MaterialStep step);
    }

    /** Publishes the workspace's material as a layer version (idempotently) and returns its ARN. */
    @FunctionalInterface
    public interface Publisher {
        String publish(RotationPlan plan);
    }

    private final FunctionMover mover;
    private final TargetVersionCheck targetCheck;
    private final RotationJournal journal;
    private final RotationObserver observer;

    public RotationRunner(FunctionMover mover, TargetVersionCheck targetCheck, RotationJournal journal, RotationObserver observer) {
        this.mover = mover;
        this.targetCheck = targetCheck;
        this.journal = journal;
        this.observer = observer;
    }

    /** Starts a planned rotation: the plan goes to the journal before anything changes. */
    public RotationResult start(RotationPlan plan, Material material, Publisher publisher, RunOptions options) {
        journal.append(plan.rotationId(), JournalEvent.PLANNED, plan.toJournal());
        return run(plan, material, publisher, options, false);
    }

    /** Continues the unfinished rotation of the journal. */
    public RotationResult resume(RotationPlan plan, Material material, Publisher publisher, RunOptions options) {
        return run(plan, material, publisher, options, true);
    }

    private RotationResult run(RotationPlan plan, Material material, Publisher publisher, RunOptions options, boolean resumed) {
        String id = plan.rotationId();
        List<JournalEvent> events = journal.events(id);

        if (plan.materialStep() != MaterialStep.NONE && last(events, JournalEvent.MATERIAL_READY).isEmpty()) {
            material.apply(plan.materialStep());
            journal.append(id, JournalEvent.MATERIAL_READY, Map.of("step", plan.materialStep().name()));
            observer.done("material", plan.materialStep().name());
        }

        String target;
        Optional<JournalEvent> published = last(events, JournalEvent.PUBLISHED);
        if (published.isPresent()) {
            target = published.get().detail("layerVersionArn");
            targetCheck.check(plan, target, journal.location() + " line " + published.get().line());
        } else if (plan.materialStep() == MaterialStep.NONE) {
            target = plan.currentArn();
            targetCheck.check(plan, target, null);
        } else {
            target = publisher.publish(plan);
            journal.append(id, JournalEvent.PUBLISHED, Map.of("layerVersionArn", target));
            observer.done("published", target);
            targetCheck.check(plan, target, null);
        }
        LayerVersionArn targetArn = LayerVersionArn.parse(target);

        // What the journal says is done is read again live (the one GetFunction of a move):
        // a function put back by hand since is moved again, not counted as there.
        Set<String> done = finished(events, options.verifyPayload() != null);
        List<Move> remaining = new ArrayList<>();
        List<Move> journaledDone = new ArrayList<>();
        for (Move move : plan.moves()) {
            (done.contains(move.functionName()) ? journaledDone : remaining).add(move);
        }

        Outcomes outcomes = new Outcomes(done);
        int canaries = Math.min(options.canary(), remaining.size());
        String stop = moveAll(id, remaining.subList(0, canaries), targetArn, options.verifyPayload(), 1, outcomes);
        if (stop == null) {
            List<Move> rest = new ArrayList<>(remaining.subList(canaries, remaining.size()));
            rest.addAll(journaledDone);
            stop = moveAll(id, rest, targetArn, options.verifyPayload(), options.concurrency(), outcomes);
        }
        List<String> alreadyDone;
        synchronized (outcomes.alreadyDone) {
            alreadyDone = List.copyOf(outcomes.alreadyDone);
        }
        if (stop != null) {
            String where = outcomes.summary(targetArn, plan.moves().size());
            journal.append(id, JournalEvent.STOPPED, Map.of("reason", stop, "where", where));
            String next = outcomes.unknown.isEmpty()
                    ? "Run rotate again to continue, or rotate --rollback to undo"
                    : "Fix the cause, then run rotate --rollback (it moves back every function the journal shows moved)";
            throw new MtlsException("rotation " + id + " stopped: " + stop + "; " + where + ". " + next);
        }
        journal.append(id, JournalEvent.COMPLETED, Map.of("layerVersionArn", target));
        observer.done("completed", target);
        return new RotationResult(id, target, resumed, outcomes.moved, alreadyDone);
    }

    /** @return why the moves stopped, or null when all succeeded */
    private String moveAll(String id, List<Move> moves, LayerVersionArn target, String verifyPayload, int concurrency,
                           Outcomes outcomes) {
        if (moves.isEmpty()) {
            return null;
        }
        AtomicReference<String> stop = new AtomicReference<>();
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(concurrency, moves.size()), runnable -> {
            Thread thread = new Thread(runnable, "mtls-rotate");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Move move : moves) {
                futures.add(executor.submit(() -> {
                    if (stop.get() != null) {
                        return;
                    }
                    try {
                        moveOne(id, move, target, verifyPayload, outcomes, stop);
                    } catch (RuntimeException e) {
                        stop.compareAndSet(null, move.functionName() + ": " + e.getMessage());
                    }
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    stop.compareAndSet(null, String.valueOf(e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stop.compareAndSet(null, "interrupted");
                    break;
                }
            }
        } finally {
            executor.shutdownNow();
        }
        return stop.get();
    }

    private void moveOne(String id, Move move, LayerVersionArn target, String verifyPayload, Outcomes outcomes,
                         AtomicReference<String> stop) {
        String function = move.functionName();
        Optional<LayerVersionArn> from = mover.move(function, target);
        if (from.isEmpty() && outcomes.journaledDone.contains(function)) {
            outcomes.alreadyDone.add(function);
            return;
        }
        String previous = from.map(LayerVersionArn::arn).orElse(move.fromArn());
        Map<String, String> details = new LinkedHashMap<>();
        details.put("function", function);
        details.put("from", previous);
        details.put("to", target.arn());
        journal.append(id, JournalEvent.FUNCTION_MOVED, details);
        observer.done("moved", function);
        if (verifyPayload != null) {
            Optional<String> failure;
            try {
                failure = mover.verify(function, verifyPayload);
            } catch (RuntimeException e) {
                // An Invoke that could not be made (no permission, throttled past the retries,
                // 5xx) verified nothing: the function must not stay on material nobody checked.
                failure = Optional.of("the invoke failed: " + e.getMessage());
            }
            if (failure.isPresent()) {
                moveBack(id, function, target, previous, failure.get(), outcomes, stop);
                return;
            }
            journal.append(id, JournalEvent.FUNCTION_VERIFIED, Map.of("function", function));
            observer.done("verified", function);
        }
        (from.isPresent() ? outcomes.moved : outcomes.alreadyDone).add(function);
    }

    private void moveBack(String id, String function, LayerVersionArn target, String previous, String failure, Outcomes outcomes,
                          AtomicReference<String> stop) {
        Map<String, String> back = new LinkedHashMap<>();
        back.put("function", function);
        back.put("from", target.arn());
        back.put("to", previous);
        back.put("reason", failure);
        try {
            mover.move(function, LayerVersionArn.parse(previous));
        } catch (RuntimeException e) {
            back.put("error", e.getMessage());
            back.put("layers", mover.describeLayers(function));
            journal.append(id, JournalEvent.FUNCTION_ROLLBACK_FAILED, back);
            observer.done("rollback-failed", function);
            outcomes.unknown.add(function);
            stop.compareAndSet(null, "function " + function + " failed its verification invoke on " + target + " (" + failure
                    + ") and could NOT be moved back to " + previous + " (" + e.getMessage() + "); its layers now: "
                    + back.get("layers"));
            return;
        }
        journal.append(id, JournalEvent.FUNCTION_ROLLED_BACK, back);
        observer.done("rolled-back", function);
        outcomes.rolledBack.add(function);
        stop.compareAndSet(null, "function " + function + " failed its verification invoke on " + target
                + " (" + failure + ") and was moved back to " + previous);
    }

    /** Where each function of this run ended, for the summary; filled from several threads. */
    private static final class Outcomes {
        final List<String> moved = Collections.synchronizedList(new ArrayList<>());
        final List<String> alreadyDone = Collections.synchronizedList(new ArrayList<>());
        /** Functions the journal says are done: found on the target, they are neither journaled nor verified again. */
        final Set<String> journaledDone;
        final List<String> rolledBack = Collections.synchronizedList(new ArrayList<>());
        final List<String> unknown = Collections.synchronizedList(new ArrayList<>());

        Outcomes(Set<String> journaledDone) {
            this.journaledDone = Set.copyOf(journaledDone);
        }

        /** One clause per state, naming the functions, so nobody has to guess where one is. */
        String summary(LayerVersionArn target, int planned) {
            int untouched = planned - moved.size() - alreadyDone.size() - rolledBack.size() - unknown.size();
            List<String> on = new ArrayList<>(alreadyDone);
            on.addAll(moved);
            StringBuilder text = new StringBuilder();
            text.append(on.size()).append(" function(s) on ").append(target.arn()).append(names(on));
            if (!rolledBack.isEmpty()) {
                text.append(", ").append(rolledBack.size()).append(" moved back").append(names(rolledBack));
            }
            if (!unknown.isEmpty()) {
                text.append(", ").append(unknown.size()).append(" NOT moved back, check them").append(names(unknown));
            }
            text.append(", ").append(untouched).append(" not moved");
            return text.toString();
        }

        private static String names(List<String> functions) {
            List<String> copy;
            synchronized (functions) {
                copy = new ArrayList<>(functions);
            }
            if (copy.isEmpty()) {
                return "";
            }
            Collections.sort(copy);
            return copy.size() <= 10 ? " (" + String.join(", ", copy) + ")" : " (" + String.join(", ", copy.subList(0, 10)) + ", ...)";
        }
    }

    /** Functions whose last event in this rotation says they are moved (and verified, when verifying). */
    private static Set<String> finished(List<JournalEvent> events, boolean verifying) {
        Map<String, String> lastEvent = new LinkedHashMap<>();
        for (JournalEvent event : events) {
            String function = event.detail("function");
            if (function != null) {
                lastEvent.put(function, event.event());
            }
        }
        Set<String> done = new HashSet<>();
        lastEvent.forEach((function, event) -> {
            if (JournalEvent.FUNCTION_VERIFIED.equals(event) || (!verifying && JournalEvent.FUNCTION_MOVED.equals(event))) {
                done.add(function);
            }
        });
        return done;
    }

    private static Optional<JournalEvent> last(List<JournalEvent> events, String type) {
        JournalEvent found = null;
        for (JournalEvent event : events) {
            if (type.equals(event.event())) {
                found = event;
            }
        }
        return Optional.ofNullable(found);
    }
}
