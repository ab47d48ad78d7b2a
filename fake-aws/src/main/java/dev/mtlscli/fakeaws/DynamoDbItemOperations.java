package dev.mtlscli.fakeaws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GetItem, PutItem, UpdateItem and DeleteItem on one item, with ConditionExpression,
 * UpdateExpression, ReturnValues and ReturnValuesOnConditionCheckFailure. The expressions are
 * parsed and checked before the item is read; the condition is evaluated and the write applied
 * holding the table, so two conditional writes of one item never both pass.
 */
final class DynamoDbItemOperations {
    private static final Set<String> LEGACY_PARAMETERS = Set.of("Expected", "AttributeUpdates", "ConditionalOperator",
            "AttributesToGet");

    private final FakeDynamoDb state;

    DynamoDbItemOperations(FakeDynamoDb state) {
        this.state = state;
    }

    Map<String, Object> getItem(Map<String, Object> input) throws AwsError {
        refuseLegacy(input);
        if (input.get("ProjectionExpression") != null) {
            throw AwsError.validation("fake-aws does not implement ProjectionExpression");
        }
        DynamoDbSubstitutions.of(input, "ProjectionExpression");
        JsonArgs.flag(input, "ConsistentRead"); // every read of the fake is strongly consistent
        DynamoDbTable table = table(input);
        List<Map<String, Object>> key = table.keyOf(attributes(input, "Key"));
        synchronized (table) {
            Map<String, Map<String, Object>> item = table.get(key);
            return item == null ? Map.of() : Map.of("Item", item);
        }
    }

    Map<String, Object> putItem(Map<String, Object> input) throws AwsError {
        refuseLegacy(input);
        DynamoDbSubstitutions substitutions = DynamoDbSubstitutions.of(input, "ConditionExpression");
        DynamoDbCondition condition = condition(input, substitutions);
        substitutions.checkAllUsed();
        String returnValues = returnValues(input, Set.of("NONE", "ALL_OLD"));
        boolean oldOnFailure = oldOnFailure(input);
        DynamoDbTable table = table(input);
        Map<String, Map<String, Object>> item = attributes(input, "Item");
        List<Map<String, Object>> key = table.keyOfItem(item);
        synchronized (table) {
            Map<String, Map<String, Object>> old = table.get(key);
            check(condition, old, oldOnFailure);
            table.put(key, item);
            return returnValues.equals("ALL_OLD") && old != null ? Map.of("Attributes", old) : Map.of();
        }
    }

    Map<String, Object> updateItem(Map<String, Object> input) throws AwsError {
        refuseLegacy(input);
        DynamoDbSubstitutions substitutions = DynamoDbSubstitutions.of(input, "UpdateExpression", "ConditionExpression");
        String updateText = JsonArgs.optionalString(input, "UpdateExpression");
        DynamoDbUpdate update = updateText == null ? null : DynamoDbUpdate.parse(updateText, substitutions);
        DynamoDbCondition condition = condition(input, substitutions);
        substitutions.checkAllUsed();
        String returnValues = returnValues(input, Set.of("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"));
        boolean oldOnFailure = oldOnFailure(input);
        DynamoDbTable table = table(input);
        Map<String, Map<String, Object>> keyAttributes = attributes(input, "Key");
        List<Map<String, Object>> key = table.keyOf(keyAttributes);
        Set<String> touched = update == null ? Set.of() : update.attributes();
        for (DynamoDbTable.KeyAttribute attribute : table.key()) {
            if (touched.contains(attribute.name())) {
                throw AwsError.validation("One or more parameter values were invalid: Cannot update attribute " + attribute.name()
                        + ". This attribute is part of the key");
            }
        }
        synchronized (table) {
            Map<String, Map<String, Object>> old = table.get(key);
            check(condition, old, oldOnFailure);
            // UpdateItem creates the item when there is none, with its key and what the update sets
            Map<String, Map<String, Object>> base = old == null ? new LinkedHashMap<>(keyAttributes) : old;
            Map<String, Map<String, Object>> updated = update == null ? base : update.apply(base);
            table.put(key, updated);
            Map<String, Map<String, Object>> answer = switch (returnValues) {
                case "ALL_OLD" -> old;
                case "ALL_NEW" -> updated;
                case "UPDATED_OLD" -> old == null ? null : only(old, touched);
                case "UPDATED_NEW" -> only(updated, touched);
                default -> null;
            };
            return answer == null || answer.isEmpty() ? Map.of() : Map.of("Attributes", answer);
        }
    }

    Map<String, Object> deleteItem(Map<String, Object> input) throws AwsError {
        refuseLegacy(input);
        DynamoDbSubstitutions substitutions = DynamoDbSubstitutions.of(input, "ConditionExpression");
        DynamoDbCondition condition = condition(input, substitutions);
        substitutions.checkAllUsed();
        String returnValues = returnValues(input, Set.of("NONE", "ALL_OLD"));
        boolean oldOnFailure = oldOnFailure(input);
        DynamoDbTable table = table(input);
        List<Map<String, Object>> key = table.keyOf(attributes(input, "Key"));
        synchronized (table) {
            Map<String, Map<String, Object>> old = table.get(key);
            check(condition, old, oldOnFailure);
            table.delete(key);
            return returnValues.equals("ALL_OLD") && old != null ? Map.of("Attributes", old) : Map.of();
        }
    }

    private DynamoDbTable table(Map<String, Object> input) throws AwsError {
        DynamoDbTable table = state.table(JsonArgs.requiredString(input, "TableName"));
        if (table == null) {
            throw AwsError.badRequest("ResourceNotFoundException", "Requested resource not found");
        }
        return table;
    }

    private static DynamoDbCondition condition(Map<String, Object> input, DynamoDbSubstitutions substitutions) throws AwsError {
        String text = JsonArgs.optionalString(input, "ConditionExpression");
        return text == null ? null : DynamoDbCondition.parse(text, substitutions);
    }

    /** A failed condition is ConditionalCheckFailedException, carrying the item when the caller asked for it. */
    private static void check(DynamoDbCondition condition, Map<String, Map<String, Object>> old, boolean oldOnFailure) throws AwsError {
        if (condition == null || condition.test(old)) {
            return;
        }
        Map<String, Object> members = oldOnFailure && old != null ? Map.of("Item", old) : Map.of();
        throw new AwsError(400, "ConditionalCheckFailedException", "The conditional request failed", members);
    }

    private static String returnValues(Map<String, Object> input, Set<String> allowed) throws AwsError {
        String value = JsonArgs.optionalString(input, "ReturnValues");
        if (value == null) {
            return "NONE";
        }
        if (!Set.of("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW").contains(value)) {
            throw AwsError.validation("1 validation error detected: Value '" + value + "' at 'returnValues' failed to satisfy constraint: "
                    + "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]");
        }
        if (!allowed.contains(value)) {
            throw AwsError.validation("Return values set to invalid value");
        }
        return value;
    }

    private static boolean oldOnFailure(Map<String, Object> input) throws AwsError {
        String value = JsonArgs.optionalString(input, "ReturnValuesOnConditionCheckFailure");
        if (value == null || value.equals("NONE")) {
            return false;
        }
        if (!value.equals("ALL_OLD")) {
            throw AwsError.validation("1 validation error detected: Value '" + value + "' at 'returnValuesOnConditionCheckFailure' "
                    + "failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]");
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> attributes(Map<String, Object> input, String member) throws AwsError {
        Object raw = input.get(member);
        if (raw == null) {
            throw AwsError.validation("1 validation error detected: Value null at '" + Character.toLowerCase(member.charAt(0))
                    + member.substring(1) + "' failed to satisfy constraint: Member must not be null");
        }
        Map<String, Object> checked = DynamoDbValues.attributes(raw, member);
        Map<String, Map<String, Object>> typed = new LinkedHashMap<>();
        checked.forEach((name, value) -> typed.put(name, (Map<String, Object>) value));
        return typed;
    }

    private static Map<String, Map<String, Object>> only(Map<String, Map<String, Object>> item, Set<String> names) {
        Map<String, Map<String, Object>> subset = new LinkedHashMap<>();
        item.forEach((name, value) -> {
            if (names.contains(name)) {
                subset.put(name, value);
            }
        });
        return subset;
    }

    private static void refuseLegacy(Map<String, Object> input) throws AwsError {
        for (String parameter : LEGACY_PARAMETERS) {
            if (input.containsKey(parameter)) {
                throw AwsError.validation("fake-aws does not implement the legacy parameter " + parameter + "; use expressions");
            }
        }
    }
}
