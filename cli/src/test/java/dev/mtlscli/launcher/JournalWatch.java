package dev.mtlscli.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Watches a rotation journal being written by another process, for the kill tests (watched, not timed). */
final class JournalWatch {
    private JournalWatch() {
    }

    /** Waits, with a file watch and a deadline, until the journal records this many moved functions. */
    static void waitForMoves(Path ws, Path journal, int moves, Process rotation) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            ws.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            boolean watchingJournalDir = false;
            while (Instant.now().isBefore(deadline)) {
                if (!watchingJournalDir && Files.isDirectory(journal.getParent())) {
                    journal.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
                    watchingJournalDir = true;
                }
                if (Files.exists(journal) && count(journal, "\"function-moved\"") >= moves) {
                    return;
                }
                if (!rotation.isAlive()) {
                    fail("the rotation ended before it could be killed");
                }
                var key = watch.poll(1, TimeUnit.SECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
        fail("the journal never showed " + moves + " moved functions");
    }

    /**
     * The same for a run with a lease table, whose journal is in the table (the lease's scope):
     * read again every 100 ms, as a table offers no watch.
     */
    static void waitForMovesInTable(java.util.function.Supplier<java.util.List<String>> journalLines, int moves, Process rotation)
            throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (journalLines.get().stream().filter(line -> line.contains("\"function-moved\"")).count() >= moves) {
                return;
            }
            if (!rotation.isAlive()) {
                fail("the rotation ended before it could be killed");
            }
            rotation.waitFor(100, TimeUnit.MILLISECONDS);
        }
        fail("the table's journal never showed " + moves + " moved functions");
    }

    static long count(Path file, String needle) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> line.contains(needle)).count();
    }
}
