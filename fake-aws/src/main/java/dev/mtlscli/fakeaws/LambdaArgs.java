package dev.mtlscli.fakeaws;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads of Lambda's REST inputs (query integers, string lists, maps) and its opaque list markers. */
final class LambdaArgs {
    private static final String MARKER_PREFIX = "fake-aws:";

    private LambdaArgs() {
    }

    /** An integer query parameter within the model's range, or {@code otherwise} when absent. */
    static int queryInt(RestCall call, String name, int min, int max, int otherwise) throws AwsError {
        String value = call.queryParam(name);
        if (value == null) {
            return otherwise;
        }
        int number;
        try {
            number = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw LambdaNames.violation(lowerCamel(name), value, "Member must be an integer");
        }
        if (number < min) {
            throw LambdaNames.violation(lowerCamel(name), number, "Member must have value greater than or equal to "
                    + min);
        }
        if (number > max) {
            throw LambdaNames.violation(lowerCamel(name), number, "Member must have value less than or equal to "
                    + max);
        }
        return number;
    }

    /** A long URI parameter such as VersionNumber. */
    static long pathLong(RestCall call, String name) throws AwsError {
        String value = call.pathParam(name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw LambdaNames.violation(lowerCamel(name), value, "Member must be a number");
        }
    }

    /** A list of strings; absent is null (so an update can tell "not given" from "empty"). */
    static List<String> stringList(Map<String, Object> input, String field) throws AwsError {
        Object value = input.get(field);
        if (value == null) {
            return null;
        }
        List<String> strings = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (!(item instanceof String text)) {
                    throw serialization(field);
                }
                strings.add(text);
            }
            return strings;
        }
        throw serialization(field);
    }

    static Map<String, String> stringMap(Object value, String field) throws AwsError {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw serialization(field);
        }
        Map<String, String> strings = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getValue() instanceof String text)) {
                throw serialization(field);
            }
            strings.put(String.valueOf(entry.getKey()), text);
        }
        return strings;
    }

    /** An optional integer member of the body. */
    static Integer optionalInt(Map<String, Object> input, String field) throws AwsError {
        Long value = JsonArgs.optionalLong(input, field);
        return value == null ? null : Math.toIntExact(value);
    }

    /** The opaque NextMarker for a list page that is followed by the item with this key. */
    static String marker(String nextKey) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((MARKER_PREFIX + nextKey).getBytes(StandardCharsets.UTF_8));
    }

    /** The key a Marker parameter stands for, or null when there is none. */
    static String markerKey(RestCall call) throws AwsError {
        String marker = call.queryParam("Marker");
        if (marker == null || marker.isEmpty()) {
            return null;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
            if (decoded.startsWith(MARKER_PREFIX)) {
                return decoded.substring(MARKER_PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // falls through to the refusal
        }
        throw LambdaErrors.invalidParameter("Invalid marker: " + marker);
    }

    private static AwsError serialization(String field) {
        return AwsError.badRequest("InvalidRequestContentException", "Could not parse request body into json:"
                + " unexpected value for field " + field + ".");
    }

    private static String lowerCamel(String name) {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
