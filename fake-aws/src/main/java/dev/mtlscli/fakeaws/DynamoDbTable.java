package dev.mtlscli.fakeaws;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One table: its key schema and its items. Every read and write of an item holds the table's
 * monitor, so that a conditional write is checked and applied as one step, as DynamoDB does for
 * one item.
 */
final class DynamoDbTable {
    /** A key attribute: its name and its type (S, N or B). */
    record KeyAttribute(String name, String type) {
    }

    private final String name;
    private final String arn;
    private final String tableId;
    private final List<KeyAttribute> key;
    private final Map<String, String> attributeDefinitions;
    private final String billingMode;
    private final Instant created;
    private final Map<List<Map<String, Object>>, Map<String, Map<String, Object>>> items = new LinkedHashMap<>();

    DynamoDbTable(String name, String arn, String tableId, List<KeyAttribute> key, Map<String, String> attributeDefinitions,
                  String billingMode, Instant created) {
        this.name = name;
        this.arn = arn;
        this.tableId = tableId;
        this.key = List.copyOf(key);
        this.attributeDefinitions = new LinkedHashMap<>(attributeDefinitions);
        this.billingMode = billingMode;
        this.created = created;
    }

    String name() {
        return name;
    }

    String arn() {
        return arn;
    }

    List<KeyAttribute> key() {
        return key;
    }

    /**
     * The key of an Item of PutItem: every key attribute present with its type.
     */
    List<Map<String, Object>> keyOfItem(Map<String, Map<String, Object>> item) throws AwsError {
        List<Map<String, Object>> values = new ArrayList<>();
        for (KeyAttribute attribute : key) {
            Map<String, Object> value = item.get(attribute.name());
            if (value == null) {
                throw AwsError.validation("One or more parameter values were invalid: Missing the key " + attribute.name() + " in the item");
            }
            String type = DynamoDbValues.type(value);
            if (!type.equals(attribute.type())) {
                throw AwsError.validation("One or more parameter values were invalid: Type mismatch for key " + attribute.name()
                        + " expected: " + attribute.type() + " actual: " + type);
            }
            checkNotEmpty(attribute, value);
            values.add(value);
        }
        return values;
    }

    /** The Key of GetItem, UpdateItem and DeleteItem: exactly the key attributes, each of its type. */
    List<Map<String, Object>> keyOf(Map<String, Map<String, Object>> keyAttributes) throws AwsError {
        if (keyAttributes.size() != key.size()) {
            throw AwsError.validation("The provided key element does not match the schema");
        }
        List<Map<String, Object>> values = new ArrayList<>();
        for (KeyAttribute attribute : key) {
            Map<String, Object> value = keyAttributes.get(attribute.name());
            if (value == null || !DynamoDbValues.type(value).equals(attribute.type())) {
                throw AwsError.validation("The provided key element does not match the schema");
            }
            checkNotEmpty(attribute, value);
            values.add(value);
        }
        return values;
    }

    /** The item under the key, or null. Call holding the table's monitor. */
    Map<String, Map<String, Object>> get(List<Map<String, Object>> keyValues) {
        return items.get(keyValues);
    }

    void put(List<Map<String, Object>> keyValues, Map<String, Map<String, Object>> item) {
        items.put(keyValues, Map.copyOf(item));
    }

    void delete(List<Map<String, Object>> keyValues) {
        items.remove(keyValues);
    }

    synchronized int itemCount() {
        return items.size();
    }

    /** The TableDescription of CreateTable and DescribeTable. */
    synchronized Map<String, Object> description(String status) {
        List<Object> definitions = new ArrayList<>();
        attributeDefinitions.forEach((attribute, type) -> definitions.add(JsonOutput.ordered("AttributeName", attribute,
                "AttributeType", type)));
        List<Object> schema = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            schema.add(JsonOutput.ordered("AttributeName", key.get(i).name(), "KeyType", i == 0 ? "HASH" : "RANGE"));
        }
        Map<String, Object> description = JsonOutput.ordered(
                "AttributeDefinitions", definitions,
                "TableName", name,
                "KeySchema", schema,
                "TableStatus", status,
                "CreationDateTime", JsonOutput.epochSeconds(created),
                "ProvisionedThroughput", JsonOutput.ordered("NumberOfDecreasesToday", 0L, "ReadCapacityUnits", 0L,
                        "WriteCapacityUnits", 0L),
                "TableSizeBytes", 0L,
                "ItemCount", (long) items.size(),
                "TableArn", arn,
                "TableId", tableId);
        description.put("BillingModeSummary", JsonOutput.ordered("BillingMode", billingMode));
        description.put("DeletionProtectionEnabled", Boolean.FALSE);
        return description;
    }

    private static void checkNotEmpty(KeyAttribute attribute, Map<String, Object> value) throws AwsError {
        Object content = value.get(attribute.type());
        if (content instanceof String text && text.isEmpty()) {
            throw AwsError.validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
                    + "contain an empty string value. Key: " + attribute.name());
        }
    }
}
