package dev.mtlscli.fakeaws;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * DynamoDB's typed attribute values as they travel in AWS JSON ({@code {"S": "text"}},
 * {@code {"N": "42"}}, {@code {"BOOL": true}}, ...): checked the way the service checks them,
 * numbers kept in their canonical form, and compared as DynamoDB compares them.
 */
final class DynamoDbValues {
    static final Set<String> TYPES = Set.of("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS");

    private DynamoDbValues() {
    }

    /** An attribute map (an Item or a Key), each value checked and numbers made canonical. */
    static Map<String, Object> attributes(Object raw, String member) throws AwsError {
        if (!(raw instanceof Map<?, ?> map)) {
            throw AwsError.badRequest("SerializationException", "Field " + member + " must be an object.");
        }
        Map<String, Object> checked = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            checked.put((String) entry.getKey(), value(entry.getValue()));
        }
        return checked;
    }

    /** One attribute value: exactly one type set, numbers parseable (and canonical). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> value(Object raw) throws AwsError {
        if (!(raw instanceof Map<?, ?> map)) {
            throw AwsError.badRequest("SerializationException", "An AttributeValue must be an object.");
        }
        List<String> set = map.entrySet().stream().filter(e -> e.getValue() != null).map(e -> (String) e.getKey()).toList();
        if (set.isEmpty()) {
            throw AwsError.validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        }
        if (set.size() > 1) {
            throw AwsError.validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
        }
        String type = set.get(0);
        Object content = map.get(type);
        switch (type) {
            case "S":
            case "B":
                requireString(content, type);
                if (type.equals("B")) {
                    try {
                        Base64.getDecoder().decode((String) content);
                    } catch (IllegalArgumentException e) {
                        throw AwsError.badRequest("SerializationException", "Base64 encoded length is expected a multiple of 4 bytes");
                    }
                }
                return Map.of(type, content);
            case "N":
                requireString(content, type);
                return Map.of("N", canonicalNumber((String) content));
            case "BOOL":
            case "NULL":
                if (!(content instanceof Boolean)) {
                    throw AwsError.badRequest("SerializationException", "Field " + type + " must be a boolean.");
                }
                if (type.equals("NULL") && !Boolean.TRUE.equals(content)) {
                    throw AwsError.validation("One or more parameter values were invalid: Null attribute value types must have the value of true");
                }
                return Map.of(type, content);
            case "M": {
                if (!(content instanceof Map<?, ?>)) {
                    throw AwsError.badRequest("SerializationException", "Field M must be an object.");
                }
                return Map.of("M", attributes(content, "M"));
            }
            case "L": {
                if (!(content instanceof List<?> list)) {
                    throw AwsError.badRequest("SerializationException", "Field L must be a list.");
                }
                List<Object> values = new java.util.ArrayList<>();
                for (Object item : list) {
                    values.add(value(item));
                }
                return Map.of("L", List.copyOf(values));
            }
            case "SS":
            case "NS":
            case "BS": {
                if (!(content instanceof List<?> list) || list.isEmpty()) {
                    throw AwsError.validation("One or more parameter values were invalid: An string set  may not be empty");
                }
                List<Object> members = new java.util.ArrayList<>();
                for (Object member : (List<Object>) list) {
                    requireString(member, type);
                    members.add(type.equals("NS") ? canonicalNumber((String) member) : member);
                }
                if (Set.copyOf(members).size() != members.size()) {
                    throw AwsError.validation("One or more parameter values were invalid: Input collection " + list + " contains duplicates.");
                }
                return Map.of(type, List.copyOf(members));
            }
            default:
                throw AwsError.badRequest("SerializationException", "Unknown AttributeValue type " + type);
        }
    }

    /** The one type of a checked value: S, N, BOOL, ... */
    static String type(Map<String, Object> value) {
        return value.keySet().iterator().next();
    }

    /** DynamoDB equality: same type and same value, numbers by value. */
    static boolean same(Map<String, Object> a, Map<String, Object> b) {
        // values are canonical (numbers normalised when read), so structural equality is DynamoDB's
        return Objects.equals(a, b);
    }

    /**
     * The order of two values of the same scalar type that DynamoDB can order (S by code point,
     * as UTF-8 bytes order, N by value, B by unsigned bytes); null when the types differ.
     */
    static Integer compare(Map<String, Object> a, Map<String, Object> b) {
        String type = type(a);
        if (!type.equals(type(b))) {
            return null;
        }
        switch (type) {
            case "N":
                return new BigDecimal((String) a.get("N")).compareTo(new BigDecimal((String) b.get("N")));
            case "S":
                return compareCodePoints((String) a.get("S"), (String) b.get("S"));
            case "B":
                return java.util.Arrays.compareUnsigned(Base64.getDecoder().decode((String) a.get("B")),
                        Base64.getDecoder().decode((String) b.get("B")));
            default:
                return null;
        }
    }

    /** Whether values of this type can be ordered with {@code <} and the like. */
    static boolean orderable(String type) {
        return type.equals("S") || type.equals("N") || type.equals("B");
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static void requireString(Object content, String type) throws AwsError {
        if (!(content instanceof String)) {
            throw AwsError.badRequest("SerializationException", "Field " + type + " must be a string.");
        }
    }

    /** DynamoDB keeps a number's value, not its spelling: "1.50" is answered as "1.5". */
    private static String canonicalNumber(String text) throws AwsError {
        BigDecimal number;
        try {
            number = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw AwsError.validation("A value provided cannot be converted into a number");
        }
        if (number.precision() > 38) {
            throw AwsError.validation("Attempting to store more than 38 significant digits in a Number");
        }
        return number.signum() == 0 ? "0" : number.stripTrailingZeros().toPlainString();
    }
}
