package dev.mtlscli.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * Removes what a run has half-written when the JVM is stopped by SIGINT, SIGTERM or SIGHUP:
 * staging directories (unencrypted server keys among them) and temporary files of writes in
 * flight. The JVM runs shutdown hooks while the other threads go on, so every secure write
 * holds a read side of a gate for its duration; the hook closes the gate first, which waits
 * for the writes in flight and refuses new ones, and only then deletes. Without that, a writer
 * thread could create a file in a staging directory the hook had just removed. SIGKILL runs no
 * hook: the next run removes what a dead run left (see the staging directory's owner pid).
 */
public final class InterruptCleanup {
    private static final ReentrantReadWriteLock GATE = new ReentrantReadWriteLock();
    private static final Set<Path> PATHS = ConcurrentHashMap.newKeySet();
    private static volatile boolean closed;
    private static boolean hookInstalled;

    private InterruptCleanup() {
    }

    /** Deletes this file or tree if the JVM shuts down before {@link #forget(Path)}. */
    public static void register(Path path) {
        installHook();
        PATHS.add(path.toAbsolutePath());
    }

    public static void forget(Path path) {
        PATHS.remove(path.toAbsolutePath());
    }

    /** Enters a write; false once shutdown has begun, when the write must not start. */
    public static boolean enterWrite() {
        GATE.readLock().lock();
        if (closed) {
            GATE.readLock().unlock();
            return false;
        }
        return true;
    }

    public static void exitWrite() {
        GATE.readLock().unlock();
    }

    private static synchronized void installHook() {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(InterruptCleanup::cleanUp, "mtls-cleanup"));
            hookInstalled = true;
        }
    }

    /** Runs in the shutdown hook. The gate stays closed for good: the JVM is going away. */
    static void cleanUp() {
        boolean locked = false;
        try {
            // A write in flight is a key store being encrypted: tens of milliseconds. The bound
            // only keeps a wedged writer from holding the JVM up forever.
            locked = GATE.writeLock().tryLock(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        try {
            for (Path path : PATHS) {
                deleteTree(path);
            }
            PATHS.clear();
        } finally {
            if (locked) {
                GATE.writeLock().unlock();
            }
        }
    }

    /** Best effort: what cannot be deleted is left for the next run's stale-staging sweep. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // keep deleting the rest
                }
            });
        } catch (IOException | RuntimeException ignored) {
            // see above
        }
    }
}
