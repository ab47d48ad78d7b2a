package dev.mtlscli.fakeaws;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's ExpressionAttributeNames and ExpressionAttributeValues, and which of them its
 * expressions used: DynamoDB refuses an empty map, a key without its {@code #} or {@code :}, a
 * placeholder an expression uses but the request does not define, and one it defines but no
 * expression uses.
 */
final class DynamoDbSubstitutions {
    private final Map<String, String> names;
    private final Map<String, Map<String, Object>> values;
    private final Set<String> usedNames = new TreeSet<>();
    private final Set<String> usedValues = new TreeSet<>();

    private DynamoDbSubstitutions(Map<String, String> names, Map<String, Map<String, Object>> values) {
        this.names = names;
        this.values = values;
    }

    /**
     * @param expressions the expression members the operation takes, e.g. ConditionExpression
     */
    static DynamoDbSubstitutions of(Map<String, Object> input, String... expressions) throws AwsError {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, Map<String, Object>> values = new LinkedHashMap<>();
        Object rawNames = input.get("ExpressionAttributeNames");
        Object rawValues = input.get("ExpressionAttributeValues");
        boolean anyExpression = false;
        for (String expression : expressions) {
            anyExpression |= input.get(expression) != null;
        }
        if ((rawNames != null || rawValues != null) && !anyExpression) {
            throw AwsError.validation((rawValues != null ? "ExpressionAttributeValues" : "ExpressionAttributeNames")
                    + " can only be specified when using expressions: " + String.join(" and ", expressions)
                    + (expressions.length > 1 ? " are null" : " is null"));
        }
        if (rawNames != null) {
            if (!(rawNames instanceof Map<?, ?> map)) {
                throw AwsError.badRequest("SerializationException", "Field ExpressionAttributeNames must be an object.");
            }
            if (map.isEmpty()) {
                throw AwsError.validation("ExpressionAttributeNames must not be empty");
            }
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = (String) entry.getKey();
                if (!key.startsWith("#") || key.length() < 2) {
                    throw AwsError.validation("ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + key + "\"");
                }
                if (!(entry.getValue() instanceof String name) || name.isEmpty()) {
                    throw AwsError.validation("ExpressionAttributeNames contains invalid value: Empty attribute name; for key: \""
                            + key + "\"");
                }
                names.put(key, name);
            }
        }
        if (rawValues != null) {
            if (!(rawValues instanceof Map<?, ?> map)) {
                throw AwsError.badRequest("SerializationException", "Field ExpressionAttributeValues must be an object.");
            }
            if (map.isEmpty()) {
                throw AwsError.validation("ExpressionAttributeValues must not be empty");
            }
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = (String) entry.getKey();
                if (!key.startsWith(":") || key.length() < 2) {
                    throw AwsError.validation("ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + key + "\"");
                }
                values.put(key, DynamoDbValues.value(entry.getValue()));
            }
        }
        return new DynamoDbSubstitutions(names, values);
    }

    /** The attribute name a {@code #name} stands for. */
    String name(String placeholder, String expressionKind) throws AwsError {
        String name = names.get(placeholder);
        if (name == null) {
            throw AwsError.validation("Invalid " + expressionKind + ": An expression attribute name used in the document path is not "
                    + "defined; attribute name: " + placeholder);
        }
        usedNames.add(placeholder);
        return name;
    }

    /** The value a {@code :value} stands for. */
    Map<String, Object> value(String placeholder, String expressionKind) throws AwsError {
        Map<String, Object> value = values.get(placeholder);
        if (value == null) {
            throw AwsError.validation("Invalid " + expressionKind + ": An expression attribute value used in expression is not defined; "
                    + "attribute value: " + placeholder);
        }
        usedValues.add(placeholder);
        return value;
    }

    /** After every expression of the request is parsed: each name and value defined was used. */
    void checkAllUsed() throws AwsError {
        Set<String> unusedValues = new TreeSet<>(values.keySet());
        unusedValues.removeAll(usedValues);
        if (!unusedValues.isEmpty()) {
            throw AwsError.validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {"
                    + String.join(", ", unusedValues) + "}");
        }
        Set<String> unusedNames = new TreeSet<>(names.keySet());
        unusedNames.removeAll(usedNames);
        if (!unusedNames.isEmpty()) {
            throw AwsError.validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {"
                    + String.join(", ", unusedNames) + "}");
        }
    }
}
