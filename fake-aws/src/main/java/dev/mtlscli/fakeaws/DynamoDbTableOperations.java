package dev.mtlscli.fakeaws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** CreateTable and DescribeTable. */
final class DynamoDbTableOperations {
    private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");

    private final FakeDynamoDb state;

    DynamoDbTableOperations(FakeDynamoDb state) {
        this.state = state;
    }

    Map<String, Object> createTable(Map<String, Object> input) throws AwsError {
        String name = JsonArgs.requiredString(input, "TableName");
        if (!TABLE_NAME.matcher(name).matches()) {
            throw AwsError.validation("1 validation error detected: Value '" + name + "' at 'tableName' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        }
        Map<String, String> definitions = new LinkedHashMap<>();
        for (Object raw : JsonArgs.list(input, "AttributeDefinitions")) {
            Map<?, ?> definition = (Map<?, ?>) raw;
            String type = String.valueOf(definition.get("AttributeType"));
            if (!List.of("S", "N", "B").contains(type)) {
                throw AwsError.validation("1 validation error detected: Value '" + type + "' at 'attributeDefinitions.1.member.attributeType'"
                        + " failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]");
            }
            definitions.put(String.valueOf(definition.get("AttributeName")), type);
        }
        List<DynamoDbTable.KeyAttribute> key = new ArrayList<>();
        List<?> schema = JsonArgs.list(input, "KeySchema");
        if (schema.isEmpty() || schema.size() > 2) {
            throw AwsError.validation("1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 2");
        }
        for (int i = 0; i < schema.size(); i++) {
            Map<?, ?> element = (Map<?, ?>) schema.get(i);
            String attribute = String.valueOf(element.get("AttributeName"));
            String keyType = String.valueOf(element.get("KeyType"));
            if (!keyType.equals(i == 0 ? "HASH" : "RANGE")) {
                throw AwsError.validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
            }
            String type = definitions.get(attribute);
            if (type == null) {
                throw AwsError.validation("One or more parameter values were invalid: Some index key attributes are not defined in "
                        + "AttributeDefinitions. Keys: [" + attribute + "], AttributeDefinitions: " + definitions.keySet());
            }
            key.add(new DynamoDbTable.KeyAttribute(attribute, type));
        }
        if (definitions.size() != key.size()) {
            throw AwsError.validation("One or more parameter values were invalid: Number of attributes in KeySchema does not exactly "
                    + "match number of attributes defined in AttributeDefinitions");
        }
        String billing = JsonArgs.optionalString(input, "BillingMode");
        if (billing == null) {
            billing = "PROVISIONED";
        }
        if (billing.equals("PROVISIONED") && input.get("ProvisionedThroughput") == null) {
            throw AwsError.validation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both "
                    + "be specified when BillingMode is PROVISIONED");
        }
        if (!billing.equals("PROVISIONED") && !billing.equals("PAY_PER_REQUEST")) {
            throw AwsError.validation("1 validation error detected: Value '" + billing + "' at 'billingMode' failed to satisfy "
                    + "constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]");
        }
        DynamoDbTable table = state.create(name, key, definitions, billing);
        // DynamoDB answers CREATING and the table turns ACTIVE moments later; the fake's is usable
        // at once, so DescribeTable (and a waiter) sees it ACTIVE on the first poll
        return Map.of("TableDescription", table.description("CREATING"));
    }

    Map<String, Object> describeTable(Map<String, Object> input) throws AwsError {
        String name = JsonArgs.requiredString(input, "TableName");
        DynamoDbTable table = state.table(name);
        if (table == null) {
            throw AwsError.badRequest("ResourceNotFoundException", "Requested resource not found: Table: " + name + " not found");
        }
        return Map.of("Table", table.description("ACTIVE"));
    }
}
