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
 * on, as the journal recorded it. Layer and parameter versions are not touched (the old ones
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

    /** @return the functions moved back */
    public List<String> rollBack(RotationPlan rotation, int concurrency) {
        String id = rotation.rotationId();
        Map<String, JournalEvent> lastByFunction = new LinkedHashMap<>();
        for (JournalEvent event : journal.events(id)) {
            if (event.detail("function") != null && !JournalEvent.FUNCTION_VERIFIED.equals(event.event())) {
                lastByFunction.put(event.detail("function"), event);
            }
        }
        List<JournalEvent> toUndo = lastByFunction.values().stream()
                .filter(event -> JournalEvent.FUNCTION_MOVED.equals(event.event())).toList();
        List<String> rolledBack = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        ExecutorService executor = Executors.newFixedThreadPool(Math.max(1, Math.min(concurrency, toUndo.size())));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (JournalEvent moved : toUndo) {
                futures.add(executor.submit(() -> {
                    String function = moved.detail("function");
                    try {
                        mover.move(function, LayerVersionArn.parse(moved.detail("from")));
                        Map<String, String> details = new LinkedHashMap<>(moved.details());
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
        if (!failures.isEmpty()) {
            throw new MtlsException("rollback of rotation " + id + " incomplete (" + failures.size() + " function(s) not moved back, first: "
                    + failures.get(0) + "); run rotate --rollback again");
        }
        journal.append(id, JournalEvent.ROLLBACK_COMPLETED, Map.of("functions", String.valueOf(rolledBack.size())));
        return rolledBack;
    }
}
