package dev.mtlscli.rotation;

import java.util.Map;

/**
 * One line of a rotation journal: when, who, which rotation, what happened, and its details
 * (string values only, so the journal stays greppable and never needs a schema to be read),
 * and the line of the file it was read from (0 for one just written), for error messages.
 */
public record JournalEvent(String at, String by, String rotation, String event, Map<String, String> details, int line) {
    public static final String PLANNED = "planned";
    public static final String MATERIAL_READY = "material-ready";
    public static final String PUBLISHED = "published";
    public static final String FUNCTION_MOVED = "function-moved";
    public static final String FUNCTION_VERIFIED = "function-verified";
    public static final String FUNCTION_ROLLED_BACK = "function-rolled-back";
    /** Moving a function back failed: where it is now is in the event's "layers", read after the failure. */
    public static final String FUNCTION_ROLLBACK_FAILED = "function-rollback-failed";
    public static final String STOPPED = "stopped";
    public static final String COMPLETED = "completed";
    public static final String ROLLBACK_COMPLETED = "rollback-completed";
    public static final String PRUNED = "layer-version-deleted";

    public JournalEvent {
        details = Map.copyOf(details);
    }

    public String detail(String name) {
        return details.get(name);
    }
}
