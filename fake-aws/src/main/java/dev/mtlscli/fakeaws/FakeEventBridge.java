package dev.mtlscli.fakeaws;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The state of the fake EventBridge of one account's region: its event buses (the
 * {@code default} bus always exists) and every event put on them, in order. The wire operation
 * is in {@link EventBridgeService}; tests read {@link #events}.
 */
public final class FakeEventBridge {
    private final String region;
    private final String accountId;
    private final Clock clock;
    private final Set<String> buses = new LinkedHashSet<>(List.of("default"));
    private final List<Event> events = new ArrayList<>();
    private int failNextEntries;

    /** An event as the bus received it; {@code detail} is the JSON text the caller sent. */
    public record Event(String id, String bus, String source, String detailType, String detail, List<String> resources, Instant time) {
    }

    FakeEventBridge(String region, String accountId, Clock clock) {
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
    }

    public synchronized void createBus(String name) {
        buses.add(name);
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /**
     * The next {@code count} entries fail with InternalFailure inside an HTTP 200 answer, as
     * PutEvents reports a partial failure: only FailedEntryCount tells the caller.
     */
    public synchronized void failNextEntries(int count) {
        failNextEntries = count;
    }

    String region() {
        return region;
    }

    /** The bus a PutEvents entry names (name or ARN, default when absent), or null when it does not exist here. */
    synchronized String bus(String nameOrArn) {
        String name = nameOrArn == null || nameOrArn.isEmpty() ? "default" : nameOrArn;
        String prefix = "arn:aws:events:" + region + ":" + accountId + ":event-bus/";
        if (name.startsWith("arn:")) {
            if (!name.startsWith(prefix)) {
                return null;
            }
            name = name.substring(prefix.length());
        }
        return buses.contains(name) ? name : null;
    }

    /** Records an accepted event and returns its id, or null when the entry is to fail (see {@link #failNextEntries}). */
    synchronized String put(String bus, String source, String detailType, String detail, List<String> resources, Instant time) {
        if (failNextEntries > 0) {
            failNextEntries--;
            return null;
        }
        String id = UUID.randomUUID().toString();
        events.add(new Event(id, bus, source, detailType, detail, List.copyOf(resources), time == null ? clock.instant() : time));
        return id;
    }

    Map<String, Object> failure(String code, String message) {
        return Map.of("ErrorCode", code, "ErrorMessage", message);
    }
}
