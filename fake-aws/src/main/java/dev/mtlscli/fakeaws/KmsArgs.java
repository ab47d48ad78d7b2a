package dev.mtlscli.fakeaws;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Typed reads of KMS inputs beyond {@link JsonArgs}: blobs, enums, bounded integers, tags and pages. */
final class KmsArgs {
    private KmsArgs() {
    }

    /** A blob member: base64 in AWS JSON; null when absent and not required. */
    static byte[] blob(Map<String, Object> input, String field, boolean required) throws AwsError {
        String base64 = required ? JsonArgs.requiredString(input, field) : JsonArgs.optionalString(input, field);
        if (base64 == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw AwsError.badRequest("SerializationException", "Field " + field + " must be base64: " + e.getMessage());
        }
    }

    /** A string member of an enum; {@code fallback} when absent. */
    static String enumValue(Map<String, Object> input, String field, List<String> values, String fallback)
            throws AwsError {
        String value = JsonArgs.optionalString(input, field);
        if (value == null) {
            return fallback;
        }
        if (!values.contains(value)) {
            throw KmsErrors.notInEnum(value, member(field), values);
        }
        return value;
    }

    /** An integer member within [min, max]; {@code fallback} when absent. */
    static int bounded(Map<String, Object> input, String field, int min, int max, int fallback) throws AwsError {
        Long value = JsonArgs.optionalLong(input, field);
        if (value == null) {
            return fallback;
        }
        if (value < min || value > max) {
            throw AwsError.validation("1 validation error detected: Value '" + value + "' at '" + member(field)
                    + "' failed to satisfy constraint: Member must have value "
                    + (value < min ? "greater than or equal to " + min : "less than or equal to " + max));
        }
        return value.intValue();
    }

    /** A Tags member: a list of TagKey/TagValue structures, as tag key to value. */
    static Map<String, String> tags(Map<String, Object> input, String field) throws AwsError {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Object item : JsonArgs.list(input, field)) {
            if (!(item instanceof Map<?, ?> raw)) {
                throw AwsError.badRequest("SerializationException", "Field " + field + " must be a list of Tag.");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> tag = (Map<String, Object>) raw;
            String key = JsonArgs.requiredString(tag, "TagKey");
            String value = JsonArgs.requiredString(tag, "TagValue");
            if (key.isEmpty() || key.length() > 128 || value.length() > 256) {
                throw AwsError.badRequest("TagException", "Tag keys must be 1 to 128 characters and tag values"
                        + " at most 256: '" + key + "'.");
            }
            tags.put(key, value);
        }
        return tags;
    }

    /** One page of {@code items} from Marker (an index the previous page gave), at most Limit (1..max). */
    static <T> Page<T> page(Map<String, Object> input, List<T> items, int defaultLimit, int maxLimit) throws AwsError {
        int limit = bounded(input, "Limit", 1, maxLimit, defaultLimit);
        String marker = JsonArgs.optionalString(input, "Marker");
        int from = 0;
        if (marker != null) {
            try {
                from = Integer.parseInt(marker);
            } catch (NumberFormatException e) {
                from = -1;
            }
            if (from < 0 || from > items.size()) {
                throw AwsError.badRequest("InvalidMarkerException", "Invalid marker " + marker);
            }
        }
        int to = Math.min(items.size(), from + limit);
        return new Page<>(items.subList(from, to), to < items.size() ? String.valueOf(to) : null);
    }

    /** A page of a list, and the Marker of the next one (null on the last page). */
    record Page<T>(List<T> items, String nextMarker) {
    }

    /** AWS's validation messages name members in lower camel case. */
    static String member(String field) {
        return Character.toLowerCase(field.charAt(0)) + field.substring(1);
    }
}
