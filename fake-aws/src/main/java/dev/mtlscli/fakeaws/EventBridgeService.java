package dev.mtlscli.fakeaws;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Amazon EventBridge on the wire (AWS JSON 1.1, target prefix {@code AWSEvents}, signing name
 * {@code events}): PutEvents, with its two ways of failing. A request that is wrong as a whole
 * (no entries, more than 10, a bus that does not exist) is an error answer; an entry that is
 * wrong (no Source, a Detail that is not a JSON object) fails alone inside an HTTP 200 answer,
 * counted in FailedEntryCount, which a careless caller never reads.
 */
final class EventBridgeService implements JsonTargetService {
    /** PutEvents takes at most 10 entries; each at most 256 KB. */
    static final int MAX_ENTRIES = 10;
    static final int MAX_ENTRY_BYTES = 256 * 1024;

    private final FakeEventBridge state;

    EventBridgeService(FakeEventBridge state) {
        this.state = state;
    }

    @Override
    public String signingName() {
        return "events";
    }

    @Override
    public String targetPrefix() {
        return "AWSEvents";
    }

    @Override
    public String contentType() {
        return "application/x-amz-json-1.1";
    }

    @Override
    public Map<String, Object> call(String operation, Map<String, Object> input) throws AwsError {
        if (!"PutEvents".equals(operation)) {
            throw AwsError.badRequest("UnknownOperationException", "fake-aws does not implement AWSEvents." + operation + ".");
        }
        List<?> entries = JsonArgs.list(input, "Entries");
        if (entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            throw AwsError.validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: "
                    + "Member must have length less than or equal to " + MAX_ENTRIES + " and greater than or equal to 1");
        }
        List<Map<String, Object>> results = new ArrayList<>();
        int failed = 0;
        for (Object item : entries) {
            if (!(item instanceof Map<?, ?>)) {
                throw AwsError.badRequest("SerializationException", "Entries must hold objects.");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> entry = (Map<String, Object>) item;
            String busName = JsonArgs.optionalString(entry, "EventBusName");
            String bus = state.bus(busName);
            if (bus == null) {
                throw AwsError.badRequest("ResourceNotFoundException", "Event bus " + busName + " does not exist.");
            }
            Map<String, Object> result = entryResult(bus, entry);
            if (result.containsKey("ErrorCode")) {
                failed++;
            }
            results.add(result);
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("FailedEntryCount", (long) failed);
        output.put("Entries", results);
        return output;
    }

    private Map<String, Object> entryResult(String bus, Map<String, Object> entry) throws AwsError {
        String source = JsonArgs.optionalString(entry, "Source");
        String detailType = JsonArgs.optionalString(entry, "DetailType");
        String detail = JsonArgs.optionalString(entry, "Detail");
        if (source == null || source.isEmpty() || detailType == null || detailType.isEmpty() || detail == null) {
            return state.failure("InvalidArgument", "Parameters Source, DetailType and Detail are required.");
        }
        if (source.startsWith("aws.")) {
            return state.failure("NotAuthorizedForSourceException", "Not authorized for the source.");
        }
        if (source.length() + detailType.length() + detail.length() > MAX_ENTRY_BYTES) {
            return state.failure("InvalidArgument", "Total size of the entries in the request is over the limit.");
        }
        if (!isJsonObject(detail)) {
            return state.failure("MalformedDetail", "Detail is malformed.");
        }
        List<String> resources = new ArrayList<>();
        for (Object resource : JsonArgs.list(entry, "Resources")) {
            resources.add(String.valueOf(resource));
        }
        Object time = entry.get("Time");
        Instant at = time instanceof Number seconds ? Instant.ofEpochMilli(Math.round(seconds.doubleValue() * 1000)) : null;
        String id = state.put(bus, source, detailType, detail, resources, at);
        if (id == null) {
            return state.failure("InternalFailure", "The request processing has failed because of an unknown error.");
        }
        return Map.of("EventId", id);
    }

    private static boolean isJsonObject(String text) {
        if (text.isBlank()) {
            return false;
        }
        try {
            Json.parseObject(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
