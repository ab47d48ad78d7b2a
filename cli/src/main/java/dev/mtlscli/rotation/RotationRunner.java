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
    private final RotationJournal journal;
    private final RotationObserver observer;

    public RotationRunner(FunctionMover mover, RotationJournal journal, RotationObserver observer) {
        this.mover = mover;
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
        } else if (plan.materialStep() == MaterialStep.NONE) {
            target = plan.currentArn();
        } else {
            target = publisher.publish(plan);
            journal.append(id, JournalEvent.PUBLISHED, Map.of("layerVersionArn", target));
            observer.done("published", target);
        }
        LayerVersionArn targetArn = LayerVersionArn.parse(target);

        Set<String> done = finished(events, options.verifyPayload() != null);
        List<Move> remaining = new ArrayList<>();
        List<String> alreadyDone = new ArrayList<>();
        for (Move move : plan.moves()) {
            if (done.contains(move.functionName())) {
                alreadyDone.add(move.functionName());
            } else {
                remaining.add(move);
            }
        }

        List<String> moved = Collections.synchronizedList(new ArrayList<>());
        int canaries = Math.min(options.canary(), remaining.size());
        String stop = moveAll(id, remaining.subList(0, canaries), targetArn, options.verifyPayload(), 1, moved, alreadyDone);
        if (stop == null) {
            stop = moveAll(id, remaining.subList(canaries, remaining.size()), targetArn, options.verifyPayload(),
                    options.concurrency(), moved, alreadyDone);
        }
        if (stop != null) {
            int untouched = plan.moves().size() - moved.size() - alreadyDone.size();
            journal.append(id, JournalEvent.STOPPED, Map.of("reason", stop));
            throw new MtlsException("rotation " + id + " stopped: " + stop + "; " + (moved.size() + alreadyDone.size())
                    + " function(s) on " + targetArn + ", " + untouched + " not moved. Run rotate again to continue, "
                    + "or rotate --rollback to undo");
        }
        journal.append(id, JournalEvent.COMPLETED, Map.of("layerVersionArn", target));
        observer.done("completed", target);
        return new RotationResult(id, target, resumed, moved, alreadyDone);
    }

    /** @return why the moves stopped, or null when all succeeded */
    private String moveAll(String id, List<Move> moves, LayerVersionArn target, String verifyPayload, int concurrency,
                           List<String> moved, List<String> alreadyDone) {
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
                        moveOne(id, move, target, verifyPayload, moved, alreadyDone, stop);
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

    private void moveOne(String id, Move move, LayerVersionArn target, String verifyPayload, List<String> moved,
                         List<String> alreadyDone, AtomicReference<String> stop) {
        String function = move.functionName();
        Optional<LayerVersionArn> from = mover.move(function, target);
        String previous = from.map(LayerVersionArn::arn).orElse(move.fromArn());
        Map<String, String> details = new LinkedHashMap<>();
        details.put("function", function);
        details.put("from", previous);
        details.put("to", target.arn());
        journal.append(id, JournalEvent.FUNCTION_MOVED, details);
        observer.done("moved", function);
        if (verifyPayload != null) {
            Optional<String> failure = mover.verify(function, verifyPayload);
            if (failure.isPresent()) {
                mover.move(function, LayerVersionArn.parse(previous));
                Map<String, String> rolledBack = new LinkedHashMap<>(details);
                rolledBack.put("reason", failure.get());
                journal.append(id, JournalEvent.FUNCTION_ROLLED_BACK, rolledBack);
                observer.done("rolled-back", function);
                stop.compareAndSet(null, "function " + function + " failed its verification invoke on " + target
                        + " (" + failure.get() + ") and was moved back to " + previous);
                return;
            }
            journal.append(id, JournalEvent.FUNCTION_VERIFIED, Map.of("function", function));
            observer.done("verified", function);
        }
        (from.isPresent() ? moved : alreadyDone).add(function);
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
