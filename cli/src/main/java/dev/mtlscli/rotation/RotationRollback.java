package dev.mtlscli.rotation;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.LayerVersionArn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * `rotate --rollback`: moves every function the last rotation moved back to the version it was
 * on, as the journal recorded it, but only a function that is (read live) still on the version
 * this rotation moved it to: one a newer rotation (say from another copy of the workspace) or a
 * person has moved since is left alone and named. Layer and parameter versions are not touched (the old ones
 * were kept), so the old material is there to go back to. Idempotent like a rotation.
 */
public final class RotationRollback {
    private final FunctionMover mover;
    private final RotationJournal journal;
    private final RotationObserver observer;

    public RotationRollback(FunctionMover mover, RotationJournal journal, RotationObserver observer) {
        this.mover = mover;
        this.journal = journal;
        this.observer = observer;
    }

    /**
     * @param rolledBack the functions moved back
     * @param leftAlone  one line per function left where it was, saying where and why
     */
    public record Result(List<String> rolledBack, List<String> leftAlone) {
    }

    public Result rollBack(RotationPlan rotation, int concurrency) {
        String id = rotation.rotationId();
        Map<String, JournalEvent> lastByFunction = new LinkedHashMap<>();
        for (JournalEvent event : journal.events(id)) {
            if (event.detail("function") != null && !JournalEvent.FUNCTION_VERIFIED.equals(event.event())) {
                lastByFunction.put(event.detail("function"), event);
            }
        }
        List<JournalEvent> toUndo = lastByFunction.values().stream()
                .filter(event -> JournalEvent.FUNCTION_MOVED.equals(event.event())
                        || JournalEvent.FUNCTION_ROLLBACK_FAILED.equals(event.event())).toList();
        for (JournalEvent event : toUndo) {
            journal.arnOf(event, "from");
            journal.arnOf(event, "to");
        }
        List<String> rolledBack = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> impossible = new ArrayList<>();
        List<String> leftAlone = new ArrayList<>();
        ExecutorService executor = Executors.newFixedThreadPool(Math.max(1, Math.min(concurrency, toUndo.size())));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (JournalEvent moved : toUndo) {
                futures.add(executor.submit(() -> {
                    String function = moved.detail("function");
                    // a failed move back recorded its intended direction: from the new, to the old
                    boolean forward = JournalEvent.FUNCTION_MOVED.equals(moved.event());
                    LayerVersionArn back = LayerVersionArn.parse(forward ? moved.detail("from") : moved.detail("to"));
                    String current = forward ? moved.detail("to") : moved.detail("from");
                    try {
                        if (!mover.exists(back)) {
                            synchronized (impossible) {
                                impossible.add("function " + function + " cannot go back to " + back.arn()
                                        + ", which no longer exists (deleted or pruned); it stays on " + current);
                            }
                            return;
                        }
                        LayerVersionArn found = mover.moveIfOn(function, LayerVersionArn.parse(current), back);
                        if (found.version() != back.version() && !found.arn().equals(current)) {
                            synchronized (leftAlone) {
                                leftAlone.add("function " + function + " is on " + found.arn() + ", not on " + current
                                        + " where this rotation moved it: left alone");
                            }
                            return;
                        }
                        // the direction actually taken: off the version the rotation moved it to
                        Map<String, String> details = new LinkedHashMap<>();
                        details.put("function", function);
                        details.put("from", current);
                        details.put("to", back.arn());
                        details.put("reason", "rollback");
                        journal.append(id, JournalEvent.FUNCTION_ROLLED_BACK, details);
                        observer.done("rolled-back", function);
                        synchronized (rolledBack) {
                            rolledBack.add(function);
                        }
                    } catch (RuntimeException e) {
                        synchronized (failures) {
                            failures.add(function + ": " + e.getMessage());
                        }
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (ExecutionException e) {
            failures.add(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add("interrupted");
        } finally {
            executor.shutdownNow();
        }
        if (!impossible.isEmpty()) {
            // Running again cannot help: say so, and what can.
            throw new MtlsException("rollback of rotation " + id + " cannot complete: " + impossible.get(0)
                    + (impossible.size() > 1 ? " (and " + (impossible.size() - 1) + " more)" : "")
                    + "; " + rolledBack.size() + " function(s) moved back. Roll forward with rotate instead, "
                    + "or publish the old material again with layer publish and move the function to it");
        }
        if (!failures.isEmpty()) {
            throw new MtlsException("rollback of rotation " + id + " incomplete (" + failures.size() + " function(s) not moved back, first: "
                    + failures.get(0) + "); run rotate --rollback again");
        }
        journal.append(id, JournalEvent.ROLLBACK_COMPLETED, Map.of("functions", String.valueOf(rolledBack.size()),
                "leftAlone", String.valueOf(leftAlone.size())));
        java.util.Collections.sort(leftAlone);
        return new Result(rolledBack, leftAlone);
    }
}
