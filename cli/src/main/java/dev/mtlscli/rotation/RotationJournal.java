package dev.mtlscli.rotation;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.LayerVersionArn;
import dev.mtlscli.json.Json;
import dev.mtlscli.json.JsonObject;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The append-only record of a service's rotations: one JSON object per line in
 * &lt;workspace&gt;/rotations/&lt;service&gt;.jsonl (one region) or &lt;service&gt;.fleet.jsonl
 * (a fleet; a dot is never part of a service name, so no service's journal is another's), or in
 * another {@link JournalStore} (the scheduled rotator keeps its lines in the state table). A step
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

    private final JournalStore store;
    /** Where the lines are, as error messages name it ("FILE line N"). */
    private final String file;
    private final Scope scope;
    private final Clock clock;
    private final String by;

    private RotationJournal(JournalStore store, Scope scope, Clock clock, String by) {
        this.store = store;
        this.file = store.location();
        this.scope = scope;
        this.clock = clock;
        this.by = by;
    }

    /** The journal of the rotations of one service's layer in one region. */
    public static RotationJournal forRegion(Path workspace, String service, String layerName, String region, Clock clock) {
        return new RotationJournal(new FileJournalStore(workspace, service + ".jsonl"), new Scope(service, layerName, region), clock,
                localUser());
    }

    /** The one journal of a service's fleet rotations over regions and accounts. */
    public static RotationJournal forFleet(Path workspace, String service, String layerName, Clock clock) {
        return new RotationJournal(new FileJournalStore(workspace, service + ".fleet.jsonl"), new Scope(service, layerName, null), clock,
                localUser());
    }

    /**
     * The journal of one service's layer in one region kept in {@code store} (the scheduled
     * rotator's, in DynamoDB), its lines signed {@code by}.
     */
    public static RotationJournal inStore(JournalStore store, String service, String layerName, String region, Clock clock, String by) {
        return new RotationJournal(store, new Scope(service, layerName, region), clock, by);
    }

    /** Where the journal is kept: its file, or the items of a table. */
    public String location() {
        return file;
    }

    /** The journal's file, for the journals kept in a workspace. */
    public Path file() {
        if (store instanceof FileJournalStore files) {
            return files.file();
        }
        throw new IllegalStateException("the journal is kept in " + file + ", not in a file");
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
        store.append(Json.writeLine(line));
        return new JournalEvent(at, by, rotation, event, stamped, 0);
    }

    /**
     * Every event, oldest first. A last line without its newline (a crash cut it) is ignored; any
     * other line that is not a journal line is corruption and refused, as is a plan of another
     * service or scope.
     */
    public synchronized List<JournalEvent> read() {
        List<JournalEvent> events = new ArrayList<>();
        int lineNumber = 0;
        for (String text : store.lines()) {
            lineNumber++;
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
            json = Json.parseObject(text.getBytes(StandardCharsets.UTF_8), file);
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

    private static String localUser() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return System.getProperty("user.name", "unknown") + "@" + host;
    }
}
