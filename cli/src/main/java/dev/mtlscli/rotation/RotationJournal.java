package dev.mtlscli.rotation;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.LayerVersionArn;
import dev.mtlscli.json.Json;
import dev.mtlscli.json.JsonObject;
import dev.mtlscli.store.SecureFiles;
import dev.mtlscli.workspace.OwnedFiles;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The append-only record of a service's rotations: one JSON object per line in
 * &lt;workspace&gt;/rotations/&lt;service&gt;.jsonl (one region) or &lt;service&gt;.fleet.jsonl
 * (a fleet; a dot is never part of a service name, so no service's journal is another's). A step
 * is written after it is done, so after a crash the journal says what is certainly done; steps
 * are idempotent, so redoing the one that was in flight is safe. It is also the audit trail of
 * who rotated what, when. No secret is ever written to it.
 *
 * <p>Every planned line names the service, the layer and the scope (region, or fleet) it
 * belongs to; a journal whose plans name another is refused, so a journal copied, renamed or
 * left by an older naming can never move another service's functions.
 */
public final class RotationJournal {
    /** What a journal belongs to; region is null for a fleet journal, whose plans each name their region. */
    public record Scope(String service, String layerName, String region) {
        boolean fleet() {
            return region == null;
        }

        String describe() {
            return "service " + service + " (layer " + layerName + ", " + (fleet() ? "fleet" : "region " + region) + ")";
        }
    }

    static final String SCOPE = "scope";
    static final String SCOPE_FLEET = "fleet";
    static final String SCOPE_REGION = "region";

    private final Path workspace;
    private final Path file;
    private final Scope scope;
    private final Clock clock;
    private final String by;

    private RotationJournal(Path workspace, Scope scope, String fileName, Clock clock) {
        this.workspace = workspace;
        this.file = workspace.resolve("rotations").resolve(fileName);
        this.scope = scope;
        this.clock = clock;
        this.by = System.getProperty("user.name", "unknown") + "@" + hostName();
    }

    /** The journal of the rotations of one service's layer in one region. */
    public static RotationJournal forRegion(Path workspace, String service, String layerName, String region, Clock clock) {
        return new RotationJournal(workspace, new Scope(service, layerName, region), service + ".jsonl", clock);
    }

    /** The one journal of a service's fleet rotations over regions and accounts. */
    public static RotationJournal forFleet(Path workspace, String service, String layerName, Clock clock) {
        return new RotationJournal(workspace, new Scope(service, layerName, null), service + ".fleet.jsonl", clock);
    }

    public Path file() {
        return file;
    }

    /**
     * Appends one event; the whole line goes down in one write and is fsynced. A last line a
     * crash cut short (no newline) is cut off first, and that cut fsynced, so the new line never
     * continues a half one.
     */
    public synchronized JournalEvent append(String rotation, String event, Map<String, String> details) {
        Map<String, String> stamped = new TreeMap<>(details);
        if (JournalEvent.PLANNED.equals(event)) {
            stamped.putIfAbsent("service", scope.service());
            stamped.putIfAbsent("layerName", scope.layerName());
            stamped.put(SCOPE, scope.fleet() ? SCOPE_FLEET : SCOPE_REGION);
            if (!scope.fleet()) {
                stamped.put("region", scope.region());
            }
        }
        Map<String, Object> line = new LinkedHashMap<>();
        String at = clock.instant().toString();
        line.put("at", at);
        line.put("by", by);
        line.put("rotation", rotation);
        line.put("event", event);
        line.put("details", stamped);
        byte[] bytes = (Json.writeLine(line) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            boolean created = !Files.exists(file);
            try (FileChannel channel = open(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long end = channel.size();
                long complete = completeLength(channel, end);
                if (complete < end) {
                    // the torn line is a step that was never journaled as done: it is redone
                    channel.truncate(complete);
                    channel.force(true);
                }
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                long position = complete;
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
                // A step is journaled before the next one starts: the line must survive a power
                // loss, or a re-run would not know the step was done.
                channel.force(true);
            }
            if (created) {
                SecureFiles.syncDirectory(file.getParent());
            }
            OwnedFiles.appendsTo(workspace, "rotations/" + file.getFileName());
        } catch (IOException e) {
            throw new MtlsException("cannot write the rotation journal " + file + ": " + e.getMessage()
                    + "; nothing after the last completed step was journaled: fix the cause, then run rotate again", e);
        }
        return new JournalEvent(at, by, rotation, event, stamped, 0);
    }

    /**
     * Every event, oldest first. A last line without its newline (a crash cut it) is ignored; any
     * other line that is not a journal line is corruption and refused, as is a plan of another
     * service or scope.
     */
    public synchronized List<JournalEvent> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        byte[] bytes;
        try (FileChannel channel = open(StandardOpenOption.READ)) {
            bytes = Channels.newInputStream(channel).readAllBytes();
        } catch (IOException e) {
            throw new MtlsException("cannot read the rotation journal " + file + ": " + e.getMessage(), e);
        }
        List<JournalEvent> events = new ArrayList<>();
        int start = 0;
        int lineNumber = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            lineNumber++;
            String text = new String(bytes, start, i - start, StandardCharsets.UTF_8);
            start = i + 1;
            if (text.isBlank()) {
                continue;
            }
            JournalEvent event = parse(text, lineNumber);
            if (JournalEvent.PLANNED.equals(event.event())) {
                checkOwner(event);
            }
            events.add(event);
        }
        return events;
    }

    /** The events of one rotation, oldest first. */
    public List<JournalEvent> events(String rotation) {
        return read().stream().filter(event -> rotation.equals(event.rotation())).toList();
    }

    /** The last rotation started, if any, with its plan as journaled; refused when it is of another layer or region. */
    public Optional<RotationPlan> latest() {
        JournalEvent planned = null;
        for (JournalEvent event : read()) {
            if (JournalEvent.PLANNED.equals(event.event())) {
                planned = event;
            }
        }
        if (planned == null) {
            return Optional.empty();
        }
        checkLayerAndRegion(planned);
        return Optional.of(plan(planned));
    }

    /** The last rotation started, unless it completed or was rolled back: the one a re-run continues. */
    public Optional<RotationPlan> unfinished() {
        return latest().filter(plan -> events(plan.rotationId()).stream().noneMatch(event ->
                JournalEvent.COMPLETED.equals(event.event()) || JournalEvent.ROLLBACK_COMPLETED.equals(event.event())));
    }

    /** The plan of a planned line, or one line naming the line that holds no plan mtls-cli wrote. */
    public RotationPlan plan(JournalEvent planned) {
        try {
            return RotationPlan.fromJournal(planned.rotation(), planned.details());
        } catch (RuntimeException e) {
            throw corrupt(planned.line(), "is a plan with missing or invalid fields");
        }
    }

    /** A layer version ARN a line records, or one line naming the line when it holds none. */
    public LayerVersionArn arnOf(JournalEvent event, String field) {
        LayerVersionArn arn = LayerVersionArn.parseOrNull(event.detail(field));
        if (arn == null) {
            throw corrupt(event.line(), "has no layer version ARN in '" + field + "'");
        }
        return arn;
    }

    /** Refuses a plan (of a fleet journal: of one of its regions) made for another layer. */
    public void checkLayerAndRegion(JournalEvent planned) {
        String layer = planned.detail("layerName");
        if (!scope.layerName().equals(layer)) {
            throw new MtlsException(file + " line " + planned.line() + ": rotation " + planned.rotation() + " is of layer " + layer
                    + ", not " + scope.layerName() + "; run rotate with --layer-name " + layer + " to resume or roll it back");
        }
        String region = planned.detail("region");
        if (!scope.fleet() && region != null && !scope.region().equals(region)) {
            throw new MtlsException(file + " line " + planned.line() + ": rotation " + planned.rotation() + " is in region " + region
                    + ", not " + scope.region() + "; run rotate with --region " + region + " to resume or roll it back");
        }
    }

    /** Whether the file's plans are of this service and of this kind (one region, or a fleet). */
    private void checkOwner(JournalEvent planned) {
        String service = planned.detail("service");
        String kind = planned.detail(SCOPE);
        // journals written before the scope was recorded: a fleet plan is the one that names its account
        boolean fleet = kind == null ? planned.detail("account") != null : SCOPE_FLEET.equals(kind);
        if (!scope.service().equals(service) || fleet != scope.fleet()) {
            throw new MtlsException(file + " line " + planned.line() + " is a plan of service " + service + "'s "
                    + (fleet ? "fleet" : "single-region") + " rotation, not of " + scope.describe()
                    + ": this is not its journal; move the file aside (it belongs to " + service + ")");
        }
    }

    private JournalEvent parse(String text, int lineNumber) {
        JsonObject json;
        try {
            json = Json.parseObject(text.getBytes(StandardCharsets.UTF_8), file.toString());
        } catch (MtlsException e) {
            throw corrupt(lineNumber, "is not valid JSON");
        }
        try {
            Map<String, String> details = new TreeMap<>();
            JsonObject detailObject = json.object("details");
            if (detailObject != null) {
                detailObject.values().forEach((key, value) -> details.put(key, String.valueOf(value)));
            }
            String rotation = json.string("rotation");
            String event = json.string("event");
            if (rotation == null || event == null) {
                throw corrupt(lineNumber, "has no rotation or event");
            }
            return new JournalEvent(json.string("at"), json.string("by"), rotation, event, details, lineNumber);
        } catch (MtlsException e) {
            throw corrupt(lineNumber, "is not a journal line");
        }
    }

    /**
     * A damaged line in the middle: nothing after it can be trusted, and rotate, --rollback and
     * --dry-run all read the journal. What works is to set it aside: a plain rotate then plans
     * from what is deployed and moves every function still off the newest version.
     */
    private MtlsException corrupt(int lineNumber, String what) {
        return new MtlsException(file + " line " + lineNumber + " " + what + " (damaged or edited by hand); rotate cannot trust "
                + "this journal: move it aside (keep it, it is the audit trail) and run rotate again, which plans from what is deployed");
    }

    /** The one place the journal file is opened, so its open options are decided once. */
    private FileChannel open(OpenOption... options) throws IOException {
        // A journal that is a symlink, FIFO or directory is not ours: writing through a link
        // would overwrite its target, and opening a FIFO would block until someone reads it.
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new MtlsException(file + " is not a regular file (a symlink, FIFO or directory); "
                    + "rotate writes its journal only to a file of its own: move it aside");
        }
        OpenOption[] noFollow = Arrays.copyOf(options, options.length + 1);
        noFollow[options.length] = LinkOption.NOFOLLOW_LINKS;
        return FileChannel.open(file, noFollow);
    }

    /** The length of the file up to and including its last newline. */
    private static long completeLength(FileChannel channel, long end) throws IOException {
        long position = end;
        ByteBuffer block = ByteBuffer.allocate(8192);
        while (position > 0) {
            int size = (int) Math.min(block.capacity(), position);
            block.clear().limit(size);
            long from = position - size;
            while (block.hasRemaining()) {
                if (channel.read(block, from + block.position()) < 0) {
                    throw new IOException("the journal shrank while being read");
                }
            }
            for (int i = size - 1; i >= 0; i--) {
                if (block.get(i) == '\n') {
                    return from + i + 1;
                }
            }
            position = from;
        }
        return 0;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
