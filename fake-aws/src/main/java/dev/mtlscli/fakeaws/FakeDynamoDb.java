package dev.mtlscli.fakeaws;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The state of the fake DynamoDB of one account's region: tables and their items. The wire
 * operations are in {@link DynamoDbService}; tests create tables with {@link #createTable} (or
 * CreateTable through the SDK) and read items back with {@link #item}.
 *
 * <p>There is no server-side time in it, as there is none in DynamoDB's conditions: an item
 * "expires" only when a client's condition compares a number it wrote with one it sends (DynamoDB's
 * own TTL deletes items eventually, up to days later, and is not modelled).
 */
public final class FakeDynamoDb {
    private final String region;
    private final String accountId;
    private final Clock clock;
    private final Map<String, DynamoDbTable> tables = new LinkedHashMap<>();

    FakeDynamoDb(String region, String accountId, Clock clock) {
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
    }

    public String region() {
        return region;
    }

    public String accountId() {
        return accountId;
    }

    /** {@code arn:aws:dynamodb:REGION:ACCOUNT:table/NAME}. */
    public String tableArn(String tableName) {
        return "arn:aws:dynamodb:" + region + ":" + accountId + ":table/" + tableName;
    }

    /** Creates an on-demand table whose key is one string attribute, as a test seeds one. */
    public void createTable(String tableName, String hashKeyName) {
        try {
            create(tableName, List.of(new DynamoDbTable.KeyAttribute(hashKeyName, "S")), Map.of(hashKeyName, "S"), "PAY_PER_REQUEST");
        } catch (AwsError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The names of the tables, in the order they were created. */
    public synchronized List<String> tableNames() {
        return List.copyOf(tables.keySet());
    }

    /**
     * The item of a table whose key is one string attribute, as AWS JSON attribute values
     * ({@code {"S": "..."}}, {@code {"N": "..."}}), or empty.
     */
    public Optional<Map<String, Map<String, Object>>> item(String tableName, String hashKeyValue) {
        DynamoDbTable table = table(tableName);
        if (table == null) {
            throw new IllegalArgumentException("no table " + tableName + " in " + accountId + "/" + region);
        }
        synchronized (table) {
            return Optional.ofNullable(table.get(List.of(Map.of("S", hashKeyValue))));
        }
    }

    synchronized DynamoDbTable create(String tableName, List<DynamoDbTable.KeyAttribute> key, Map<String, String> definitions,
                                      String billingMode) throws AwsError {
        if (tables.containsKey(tableName)) {
            throw AwsError.badRequest("ResourceInUseException", "Table already exists: " + tableName);
        }
        DynamoDbTable table = new DynamoDbTable(tableName, tableArn(tableName), UUID.randomUUID().toString(), key, definitions,
                billingMode, clock.instant());
        tables.put(tableName, table);
        return table;
    }

    /** A table by name, or by its ARN in this account and region (DynamoDB takes either as TableName); null if none. */
    synchronized DynamoDbTable table(String nameOrArn) {
        String prefix = "arn:aws:dynamodb:" + region + ":" + accountId + ":table/";
        if (nameOrArn.startsWith("arn:")) {
            return nameOrArn.startsWith(prefix) ? tables.get(nameOrArn.substring(prefix.length())) : null;
        }
        return tables.get(nameOrArn);
    }
}
