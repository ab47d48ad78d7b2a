package dev.mtlscli.lease;

import dev.mtlscli.MtlsException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The leases one run holds (one per scope it changes) for as long as it runs: taken all or none,
 * confirmed before every change the run makes ({@link #confirm}), renewed in the background while
 * the run waits, and released when it ends, also when it fails.
 *
 * <p>Confirming renews: a change is made only right after DynamoDB agreed that this holder still
 * holds the lease, so a holder that stalled past its expiry (a paused laptop, a long GC, a
 * throttled network) and was taken over stops at its next change instead of acting beside the new
 * holder. Callers that confirm while a renewal is on its way wait for the next one, so that a run
 * moving many functions at once renews once per wave, not once per function. A renewal that fails
 * for another reason than a refusal (throttled past the SDK's retries, a network error) lets the
 * run go on only while the lease is known to stand for more than half its time to live.
 */
public final class LeaseKeeper implements AutoCloseable {
    private final RotationLease leases;
    private final Duration ttl;
    private final Clock clock;
    private final List<Lease> held;
    private final ScheduledExecutorService renewer;
    private long requested;
    private long completed;
    private boolean renewing;
    private RuntimeException lastFailure;
    private LeaseLostException lost;
    private Thread shutdownHook;

    private LeaseKeeper(RotationLease leases, Duration ttl, Clock clock, List<Lease> held, Duration renewEvery) {
        this.leases = leases;
        this.ttl = ttl;
        this.clock = clock;
        this.held = new ArrayList<>(held);
        if (renewEvery == null) {
            this.renewer = null;
        } else {
            this.renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "lease-renewer");
                thread.setDaemon(true);
                return thread;
            });
            renewer.scheduleWithFixedDelay(this::renewQuietly, renewEvery.toMillis(), renewEvery.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Takes the lease of every scope for {@code holder}, in the order of their keys (so two runs
     * over overlapping scopes cannot each hold a part); when one is held, those already taken are
     * released and the {@link LeaseHeldException} is thrown.
     *
     * @param renewEvery how often to renew in the background while nothing is changed, or null for never
     */
    public static LeaseKeeper hold(RotationLease leases, List<LeaseScope> scopes, String holder, Duration ttl, Clock clock,
                                   Duration renewEvery) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a lease lives for a positive time: " + ttl);
        }
        List<LeaseScope> ordered = scopes.stream().distinct().sorted(Comparator.comparing(LeaseScope::key)).toList();
        List<Lease> taken = new ArrayList<>();
        try {
            for (LeaseScope scope : ordered) {
                taken.add(leases.acquire(scope, holder, ttl));
            }
        } catch (RuntimeException e) {
            for (Lease lease : taken) {
                try {
                    leases.release(lease);
                } catch (RuntimeException releaseFailure) {
                    e.addSuppressed(releaseFailure); // it expires on its own
                }
            }
            throw e;
        }
        return new LeaseKeeper(leases, ttl, clock, taken, renewEvery);
    }

    /**
     * Releases the leases when the JVM is stopped (SIGINT, SIGTERM, SIGHUP) before {@link #close},
     * so that a person who interrupts a run can start the next one at once instead of waiting
     * out the lease; from then on no change is confirmed. SIGKILL runs no hook: that lease
     * expires on its own.
     */
    public synchronized LeaseKeeper releaseOnShutdown() {
        if (shutdownHook == null) {
            shutdownHook = new Thread(this::shutDown, "lease-release");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        return this;
    }

    /** What the shutdown hook does: refuse every later change, then let the leases go. */
    void shutDown() {
        synchronized (this) {
            if (lost == null) {
                lost = new LeaseLostException("the run was stopped; its rotation lease was released before the next change "
                        + "(run rotate again to resume)");
            }
        }
        releaseAll();
    }

    /** The leases held, as last renewed. */
    public synchronized List<Lease> leases() {
        return List.copyOf(held);
    }

    /** The refused renewal, once one was refused. */
    public synchronized LeaseLostException lost() {
        return lost;
    }

    /**
     * Renews every lease before a change; returns when DynamoDB agreed, after this call began,
     * that they are still held.
     *
     * @throws LeaseLostException once a renewal was refused, now and for every later change
     * @throws MtlsException      when a renewal failed and the lease may expire before the change is made
     */
    public void confirm() {
        long ticket;
        synchronized (this) {
            ticket = ++requested;
        }
        while (true) {
            synchronized (this) {
                if (lost != null) {
                    throw lost;
                }
                if (completed >= ticket) {
                    if (lastFailure != null && !safeWithoutRenewal()) {
                        throw new MtlsException("the lease could not be renewed (" + lastFailure.getMessage()
                                + ") and may expire before the next change; stopped before it (run rotate again to resume)");
                    }
                    return;
                }
                if (renewing) {
                    waitForRenewal();
                    continue;
                }
                renewing = true;
            }
            renewAll();
        }
    }

    private void renewAll() {
        long covers;
        synchronized (this) {
            covers = requested;
        }
        List<Lease> current = leases();
        List<Lease> renewed = new ArrayList<>();
        RuntimeException failure = null;
        LeaseLostException refused = null;
        for (Lease lease : current) {
            try {
                renewed.add(leases.renew(lease, ttl));
            } catch (LeaseLostException e) {
                refused = e;
                break;
            } catch (RuntimeException e) {
                failure = e;
                renewed.add(lease);
            }
        }
        synchronized (this) {
            if (refused != null) {
                lost = refused;
            } else {
                held.clear();
                held.addAll(renewed);
            }
            lastFailure = failure;
            completed = Math.max(completed, covers);
            renewing = false;
            notifyAll();
        }
    }

    private void renewQuietly() {
        try {
            synchronized (this) {
                if (renewing || lost != null) {
                    return;
                }
                requested++;
                renewing = true;
            }
            renewAll();
        } catch (RuntimeException e) {
            // confirm() reports it before the next change
        }
    }

    /** Without a fresh renewal, the change may go ahead only while every lease stands for more than half its life. */
    private boolean safeWithoutRenewal() {
        Instant limit = clock.instant().plus(ttl.dividedBy(2));
        return held.stream().allMatch(lease -> lease.expires().isAfter(limit));
    }

    private void waitForRenewal() {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MtlsException("interrupted while renewing the rotation lease");
        }
    }

    /** Stops renewing and releases every lease still held; one already taken over is left to its new holder. */
    @Override
    public void close() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
        Thread hook;
        synchronized (this) {
            hook = shutdownHook;
        }
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                return; // the hook releases
            }
        }
        RuntimeException failure = releaseAll();
        if (failure != null) {
            throw new MtlsException("the rotation lease could not be released (" + failure.getMessage()
                    + "); it expires on its own within " + ttl.toSeconds() + " s");
        }
    }

    private RuntimeException releaseAll() {
        RuntimeException failure = null;
        for (Lease lease : leases()) {
            try {
                leases.release(lease);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        return failure;
    }
}
