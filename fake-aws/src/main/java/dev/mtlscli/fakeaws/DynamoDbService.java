package dev.mtlscli.fakeaws;

import java.util.Map;

/**
 * Amazon DynamoDB on the wire (AWS JSON 1.0, target prefix {@code DynamoDB_20120810}, signing
 * name {@code dynamodb}) over the state in {@link FakeDynamoDb}: CreateTable, DescribeTable and
 * the single-item operations with condition and update expressions, which is what a lease needs.
 */
final class DynamoDbService implements JsonTargetService {
    private final DynamoDbTableOperations tables;
    private final DynamoDbItemOperations items;

    DynamoDbService(FakeDynamoDb state) {
        this.tables = new DynamoDbTableOperations(state);
        this.items = new DynamoDbItemOperations(state);
    }

    @Override
    public String signingName() {
        return "dynamodb";
    }

    @Override
    public String targetPrefix() {
        return "DynamoDB_20120810";
    }

    @Override
    public String contentType() {
        return "application/x-amz-json-1.0";
    }

    @Override
    public Map<String, Object> call(String operation, Map<String, Object> input) throws AwsError {
        switch (operation) {
            case "CreateTable":
                return tables.createTable(input);
            case "DescribeTable":
                return tables.describeTable(input);
            case "GetItem":
                return items.getItem(input);
            case "PutItem":
                return items.putItem(input);
            case "UpdateItem":
                return items.updateItem(input);
            case "DeleteItem":
                return items.deleteItem(input);
            default:
                throw AwsError.badRequest("UnknownOperationException",
                        "fake-aws does not implement DynamoDB_20120810." + operation + ".");
        }
    }
}
