package dev.mtlscli.rotation;

import dev.mtlscli.MtlsException;
import dev.mtlscli.json.Json;
import dev.mtlscli.json.JsonObject;
import dev.mtlscli.store.SecureFiles;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The append-only record of a service's rotations: one JSON object per line in
 * &lt;workspace&gt;/rotations/&lt;service&gt;.jsonl. A step is written after it is done, so after a
 * crash the journal says what is certainly done; steps are idempotent, so redoing the one that
 * was in flight is safe. It is also the audit trail of who rotated what, when. No secret is
 * ever written to it.
 */
public final class RotationJournal {
    private final Path file;
    private final Clock clock;
    private final String by;

    public RotationJournal(Path workspace, String service, Clock clock) {
        this.file = workspace.resolve("rotations").resolve(service + ".jsonl");
        this.clock = clock;
        this.by = System.getProperty("user.name", "unknown") + "@" + hostName();
    }

    public Path file() {
        return file;
    }

    /** Appends one event; the whole line goes down in one write so a crash cannot leave half of it. */
    public synchronized JournalEvent append(String rotation, String event, Map<String, String> details) {
        JournalEvent entry = new JournalEvent(clock.instant().toString(), by, rotation, event, details);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("at", entry.at());
        line.put("by", entry.by());
        line.put("rotation", rotation);
        line.put("event", event);
        line.put("details", new TreeMap<>(details));
        byte[] bytes = (Json.writeLine(line) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            boolean created = !Files.exists(file);
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // A step is journaled before the next one starts: the line must survive a power
                // loss, or a re-run would not know the step was done.
                channel.force(true);
            }
            if (created) {
                SecureFiles.syncDirectory(file.getParent());
            }
        } catch (IOException e) {
            throw new MtlsException("cannot write the rotation journal " + file + ": " + e.getMessage(), e);
        }
        return entry;
    }

    /** Every event, oldest first. A last line cut short by a crash is ignored. */
    public List<JournalEvent> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MtlsException("cannot read the rotation journal " + file + ": " + e.getMessage(), e);
        }
        List<JournalEvent> events = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonObject json;
            try {
                json = Json.parseObject(line.getBytes(StandardCharsets.UTF_8), file + " line " + (i + 1));
            } catch (MtlsException e) {
                if (i == lines.size() - 1) {
                    break;
                }
                throw e;
            }
            Map<String, String> details = new TreeMap<>();
            JsonObject detailObject = json.object("details");
            if (detailObject != null) {
                detailObject.values().forEach((key, value) -> details.put(key, String.valueOf(value)));
            }
            events.add(new JournalEvent(json.string("at"), json.string("by"), json.string("rotation"), json.string("event"), details));
        }
        return events;
    }

    /** The events of one rotation, oldest first. */
    public List<JournalEvent> events(String rotation) {
        return read().stream().filter(event -> rotation.equals(event.rotation())).toList();
    }

    /** The last rotation started, if any, with its plan as journaled. */
    public java.util.Optional<RotationPlan> latest() {
        RotationPlan plan = null;
        for (JournalEvent event : read()) {
            if (JournalEvent.PLANNED.equals(event.event())) {
                plan = RotationPlan.fromJournal(event.rotation(), event.details());
            }
        }
        return java.util.Optional.ofNullable(plan);
    }

    /** The last rotation started, unless it completed or was rolled back: the one a re-run continues. */
    public java.util.Optional<RotationPlan> unfinished() {
        return latest().filter(plan -> events(plan.rotationId()).stream().noneMatch(event ->
                JournalEvent.COMPLETED.equals(event.event()) || JournalEvent.ROLLBACK_COMPLETED.equals(event.event())));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
