package dev.mtlscli.fakeaws;

import java.util.List;
import java.util.Map;

/** Typed reads of an operation's JSON input, failing the way AWS's deserializer does. */
final class JsonArgs {
    private JsonArgs() {
    }

    static String optionalString(Map<String, Object> input, String field) throws AwsError {
        Object value = input.get(field);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw serialization(field, "a string");
    }

    static String requiredString(Map<String, Object> input, String field) throws AwsError {
        String value = optionalString(input, field);
        if (value == null) {
            throw AwsError.validation("1 validation error detected: Value null at '" + memberName(field)
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    static boolean flag(Map<String, Object> input, String field) throws AwsError {
        Object value = input.get(field);
        if (value == null || value instanceof Boolean) {
            return Boolean.TRUE.equals(value);
        }
        throw serialization(field, "a boolean");
    }

    static Long optionalLong(Map<String, Object> input, String field) throws AwsError {
        Object value = input.get(field);
        if (value == null || value instanceof Long) {
            return (Long) value;
        }
        throw serialization(field, "an integer");
    }

    /** A list field; absent is the empty list. */
    static List<?> list(Map<String, Object> input, String field) throws AwsError {
        Object value = input.get(field);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list;
        }
        throw serialization(field, "a list");
    }

    private static AwsError serialization(String field, String expected) {
        return AwsError.badRequest("SerializationException", "Field " + field + " must be " + expected + ".");
    }

    /** AWS's validation messages name members in lower camel case. */
    private static String memberName(String field) {
        return Character.toLowerCase(field.charAt(0)) + field.substring(1);
    }
}
