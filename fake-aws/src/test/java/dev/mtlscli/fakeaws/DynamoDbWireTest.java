package dev.mtlscli.fakeaws;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fake DynamoDB through the real SDK DynamoDbClient: tables, single-item writes, conditions, updates and errors. */
class DynamoDbWireTest {
    private static final String TABLE = "leases";

    private FakeAws aws;
    private DynamoDbClient dynamo;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        dynamo = client(aws, aws.region());
        aws.dynamoDb().createTable(TABLE, "scope");
    }

    @AfterEach
    void stop() {
        dynamo.close();
        aws.close();
    }

    static DynamoDbClient client(FakeAws aws, String region) {
        return DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).credentialsProvider(KmsWire.home())
                .region(Region.of(region)).endpointOverride(aws.endpoint()).build();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private Map<String, AttributeValue> key(String scope) {
        return Map.of("scope", s(scope));
    }

    private void put(String scope, long expires, String holder) {
        dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("scope", s(scope), "expires", n(expires), "holder", s(holder))));
    }

    @Test
    void createTableAnswersCreatingThenDescribeTableAndTheWaiterSeeItActive() {
        var created = dynamo.createTable(b -> b.tableName("other").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))).tableDescription();
        assertEquals(TableStatus.CREATING, created.tableStatus());
        assertEquals("arn:aws:dynamodb:us-east-1:" + FakeAws.ACCOUNT_ID + ":table/other", created.tableArn());
        assertEquals(BillingMode.PAY_PER_REQUEST, created.billingModeSummary().billingMode());
        dynamo.waiter().waitUntilTableExists(b -> b.tableName("other"));
        assertEquals(TableStatus.ACTIVE, dynamo.describeTable(b -> b.tableName("other")).table().tableStatus());

        assertThrows(ResourceInUseException.class, () -> dynamo.createTable(b -> b.tableName("other")
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))));
        ResourceNotFoundException missing = assertThrows(ResourceNotFoundException.class,
                () -> dynamo.describeTable(b -> b.tableName("nope")));
        assertTrue(missing.awsErrorDetails().errorMessage().contains("Table: nope not found"), missing.getMessage());
    }

    @Test
    void putThenConsistentGetGivesTheItemBackWithNumbersInTheirCanonicalForm() {
        dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("scope", s("a"), "n", AttributeValue.fromN("1.50"),
                "flag", AttributeValue.fromBool(true), "m", AttributeValue.fromM(Map.of("x", s("y"))))));
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(TABLE).key(key("a")).consistentRead(true)).item();
        assertEquals("1.5", item.get("n").n());
        assertTrue(item.get("flag").bool());
        assertEquals("y", item.get("m").m().get("x").s());
        assertFalse(dynamo.getItem(b -> b.tableName(TABLE).key(key("none")).consistentRead(true)).hasItem());
        assertEquals(Map.of("S", "a"), aws.dynamoDb().item(TABLE, "a").orElseThrow().get("scope"));
    }

    @Test
    void aConditionalPutPassesOnceAndTheSecondIsRefusedWithTheItemWhenAsked() {
        var first = dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("scope", s("a"), "holder", s("one")))
                .conditionExpression("attribute_not_exists(#s)").expressionAttributeNames(Map.of("#s", "scope")));
        assertFalse(first.hasAttributes());
        ConditionalCheckFailedException refused = assertThrows(ConditionalCheckFailedException.class,
                () -> dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("scope", s("a"), "holder", s("two")))
                        .conditionExpression("attribute_not_exists(#s)").expressionAttributeNames(Map.of("#s", "scope"))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
        assertEquals(400, refused.statusCode());
        assertEquals("The conditional request failed", refused.awsErrorDetails().errorMessage());
        assertEquals("one", refused.item().get("holder").s());

        ConditionalCheckFailedException bare = assertThrows(ConditionalCheckFailedException.class,
                () -> dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("scope", s("a")))
                        .conditionExpression("attribute_not_exists(#s)").expressionAttributeNames(Map.of("#s", "scope"))));
        assertFalse(bare.hasItem(), "no item unless ReturnValuesOnConditionCheckFailure=ALL_OLD");
        assertEquals("one", aws.dynamoDb().item(TABLE, "a").orElseThrow().get("holder").get("S"));

        var replaced = dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("scope", s("a"), "holder", s("three")))
                .conditionExpression("attribute_exists(#s) AND #h = :one").expressionAttributeNames(Map.of("#s", "scope", "#h", "holder"))
                .expressionAttributeValues(Map.of(":one", s("one"))).returnValues(ReturnValue.ALL_OLD));
        assertEquals("one", replaced.attributes().get("holder").s());
    }

    @Test
    void comparisonsOrderNumbersByValueAndStringsByCodePointAndAMissingAttributeComparesFalse() {
        put("a", 100, "h");
        assertPasses("#e < :v", n(101));
        assertFails("#e < :v", n(100));
        assertPasses("#e <= :v", n(100));
        assertPasses("#e > :v", n(99));
        assertFails("#e > :v", n(100));
        assertPasses("#e >= :v", n(100));
        assertPasses("#e <> :v", n(7));
        assertFails("#e <> :v", n(100));
        assertFails("#e = :v", s("100")); // another type is not equal
        assertFails("#e < :v", s("999")); // nor ordered
        assertPasses("#e = :v", AttributeValue.fromN("100.000"));
        assertFails("#missing = :v OR #missing <> :v", n(1), Map.of("#missing", "nothing"));
        assertPasses("NOT #missing = :v", n(1), Map.of("#missing", "nothing"));
        put("b", 1, "h\u00e9");
        dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("scope", s("a"), "word", s("b"))));
        assertPasses("#w > :v", s("B"), Map.of("#w", "word"));
    }

    @Test
    void notBindsTighterThanAndAndAndTighterThanOrWithParenthesesOverriding() {
        put("a", 100, "me");
        Map<String, AttributeValue> values = Map.of(":me", s("me"), ":other", s("other"), ":t", n(50));
        // OR of (holder = other AND expires < 50): true because of the first term
        assertTrue(passes("#h = :me OR #h = :other AND #e < :t", values));
        assertFalse(passes("(#h = :me OR #h = :other) AND #e < :t", values));
        assertTrue(passes("NOT #h = :other AND #h = :me AND NOT (#e < :t)", values));
        assertFalse(passes("NOT (#h = :me OR #h = :other) OR #e < :t", values));
    }

    @Test
    void updateSetsAndRemovesUnderItsConditionAndCreatesAMissingItem() {
        put("a", 100, "me");
        var answer = dynamo.updateItem(b -> b.tableName(TABLE).key(key("a"))
                .updateExpression("SET #e = :e, #r = :r REMOVE #h")
                .conditionExpression("#h = :me AND #e = :old")
                .expressionAttributeNames(Map.of("#e", "expires", "#r", "renewed", "#h", "holder"))
                .expressionAttributeValues(Map.of(":e", n(200), ":r", n(150), ":me", s("me"), ":old", n(100)))
                .returnValues(ReturnValue.ALL_NEW));
        assertEquals(Map.of("scope", s("a"), "expires", n(200), "renewed", n(150)), answer.attributes());

        ConditionalCheckFailedException refused = assertThrows(ConditionalCheckFailedException.class,
                () -> dynamo.updateItem(b -> b.tableName(TABLE).key(key("a")).updateExpression("SET #e = :e")
                        .conditionExpression("attribute_exists(#h)").expressionAttributeNames(Map.of("#e", "expires", "#h", "holder"))
                        .expressionAttributeValues(Map.of(":e", n(1)))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
        assertEquals("200", refused.item().get("expires").n());
        assertEquals("200", aws.dynamoDb().item(TABLE, "a").orElseThrow().get("expires").get("N"));

        var old = dynamo.updateItem(b -> b.tableName(TABLE).key(key("new")).updateExpression("SET leaseToken = :t")
                .expressionAttributeValues(Map.of(":t", n(1))).returnValues(ReturnValue.UPDATED_NEW));
        assertEquals(Map.of("leaseToken", n(1)), old.attributes());
        assertEquals(Map.of("scope", Map.of("S", "new"), "leaseToken", Map.of("N", "1")), aws.dynamoDb().item(TABLE, "new").orElseThrow());
    }

    @Test
    void deleteUnderItsConditionAnswersTheOldItem() {
        put("a", 100, "me");
        assertThrows(ConditionalCheckFailedException.class, () -> dynamo.deleteItem(b -> b.tableName(TABLE).key(key("a"))
                .conditionExpression("#h = :x").expressionAttributeNames(Map.of("#h", "holder"))
                .expressionAttributeValues(Map.of(":x", s("other")))));
        var deleted = dynamo.deleteItem(b -> b.tableName(TABLE).key(key("a"))
                .conditionExpression("#h = :x").expressionAttributeNames(Map.of("#h", "holder"))
                .expressionAttributeValues(Map.of(":x", s("me"))).returnValues(ReturnValue.ALL_OLD));
        assertEquals("me", deleted.attributes().get("holder").s());
        assertTrue(aws.dynamoDb().item(TABLE, "a").isEmpty());
    }

    @Test
    void aMissingTableIsResourceNotFoundAndATableArnNamesTheTable() {
        ResourceNotFoundException missing = assertThrows(ResourceNotFoundException.class,
                () -> dynamo.getItem(b -> b.tableName("nope").key(key("a"))));
        assertEquals("Requested resource not found", missing.awsErrorDetails().errorMessage());
        put("a", 1, "h");
        String arn = aws.dynamoDb().tableArn(TABLE);
        assertEquals("h", dynamo.getItem(b -> b.tableName(arn).key(key("a"))).item().get("holder").s());
        assertThrows(ResourceNotFoundException.class, () -> dynamo.getItem(b -> b.tableName(
                "arn:aws:dynamodb:eu-west-1:" + FakeAws.ACCOUNT_ID + ":table/" + TABLE).key(key("a"))));
    }

    @Test
    void malformedExpressionsAndUnusedOrMissingPlaceholdersAreValidationExceptions() {
        put("a", 1, "h");
        assertValidation("Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}",
                "attribute_exists(#h)", Map.of("#h", "holder"), Map.of(":unused", n(1)));
        assertValidation("Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}",
                "attribute_exists(#h)", Map.of("#h", "holder", "#x", "other"), null);
        assertValidation("Invalid ConditionExpression: An expression attribute value used in expression is not defined; "
                + "attribute value: :v", "#h = :v", Map.of("#h", "holder"), Map.of(":w", n(1)));
        assertValidation("Invalid ConditionExpression: An expression attribute name used in the document path is not defined; "
                + "attribute name: #q", "#q = :v", Map.of("#h", "holder"), Map.of(":v", n(1)));
        assertValidation("Invalid ConditionExpression: Syntax error; token: \"<EOF>\"", "#h =", Map.of("#h", "holder"), null);
        assertValidation("Invalid ConditionExpression: Syntax error; token: \")\"", "(#h = :v))", Map.of("#h", "holder"),
                Map.of(":v", n(1)));
        assertValidation("Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, "
                + "operand type: BOOL", "#h < :v", Map.of("#h", "holder"), Map.of(":v", AttributeValue.fromBool(true)));
        assertValidation("ExpressionAttributeValues must not be empty", "attribute_exists(#h)", Map.of("#h", "holder"), Map.of());
        assertValidation("Invalid ConditionExpression: fake-aws does not implement the function begins_with", "begins_with(#h, :v)", Map.of("#h", "holder"),
                Map.of(":v", s("x")));

        DynamoDbException wrongKey = assertThrows(DynamoDbException.class,
                () -> dynamo.getItem(b -> b.tableName(TABLE).key(Map.of("scope", n(1)))));
        assertEquals("The provided key element does not match the schema", wrongKey.awsErrorDetails().errorMessage());
        DynamoDbException noKey = assertThrows(DynamoDbException.class,
                () -> dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("holder", s("h")))));
        assertEquals("One or more parameter values were invalid: Missing the key scope in the item", noKey.awsErrorDetails().errorMessage());
        DynamoDbException keyUpdate = assertThrows(DynamoDbException.class,
                () -> dynamo.updateItem(b -> b.tableName(TABLE).key(key("a")).updateExpression("SET #s = :v")
                        .expressionAttributeNames(Map.of("#s", "scope")).expressionAttributeValues(Map.of(":v", s("b")))));
        assertTrue(keyUpdate.awsErrorDetails().errorMessage().contains("Cannot update attribute scope"), keyUpdate.getMessage());
        DynamoDbException twice = assertThrows(DynamoDbException.class,
                () -> dynamo.updateItem(b -> b.tableName(TABLE).key(key("a")).updateExpression("SET #h = :v REMOVE #h")
                        .expressionAttributeNames(Map.of("#h", "holder")).expressionAttributeValues(Map.of(":v", s("b")))));
        assertTrue(twice.awsErrorDetails().errorMessage().contains("Two document paths overlap"), twice.getMessage());
        assertEquals("h", aws.dynamoDb().item(TABLE, "a").orElseThrow().get("holder").get("S"), "nothing refused was written");
    }

    @Test
    void aThrottledWriteIsRetriedByTheSdkAndAPersistentThrottleReachesTheCaller() {
        aws.failNext("PutItem", 400, "ProvisionedThroughputExceededException");
        put("a", 1, "h");
        assertEquals(2, aws.requests("PutItem").size(), "one throttled, one retried");
        assertEquals("ProvisionedThroughputExceededException", aws.requests("PutItem").get(0).errorType());
        try (DynamoDbClient twoAttempts = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(KmsWire.home()).region(Region.of(aws.region())).endpointOverride(aws.endpoint())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(2))).build()) {
            aws.failNext("GetItem", 400, "ProvisionedThroughputExceededException");
            aws.failNext("GetItem", 400, "ProvisionedThroughputExceededException");
            assertThrows(ProvisionedThroughputExceededException.class,
                    () -> twoAttempts.getItem(b -> b.tableName(TABLE).key(key("a"))));
        }
    }

    @Test
    void eachRegionAndAccountHasItsOwnTablesAndTheRequestIsSignedForDynamoDb() {
        try (FakeAws regions = FakeAws.startRegions("us-east-1", "eu-west-1");
             DynamoDbClient west = client(regions, "eu-west-1")) {
            regions.dynamoDb("eu-west-1").createTable(TABLE, "scope");
            west.putItem(b -> b.tableName(TABLE).item(Map.of("scope", s("a"))));
            assertTrue(regions.dynamoDb("eu-west-1").item(TABLE, "a").isPresent());
            assertEquals(java.util.List.of(), regions.dynamoDb("us-east-1").tableNames());
            var request = regions.requests("PutItem").get(0);
            assertEquals("dynamodb", request.service());
            assertTrue(request.headers().get("content-type").get(0).startsWith("application/x-amz-json-1.0"));
            assertTrue(request.headers().get("x-amz-target").get(0).equals("DynamoDB_20120810.PutItem"));
        }
    }

    private boolean passes(String condition, Map<String, AttributeValue> values) {
        try {
            dynamo.updateItem(b -> b.tableName(TABLE).key(key("a")).conditionExpression(condition)
                    .expressionAttributeNames(Map.of("#h", "holder", "#e", "expires")).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private void assertPasses(String condition, AttributeValue value) {
        assertPasses(condition, value, Map.of("#e", "expires"));
    }

    private void assertPasses(String condition, AttributeValue value, Map<String, String> names) {
        assertTrue(check(condition, value, names), condition + " with " + value);
    }

    private void assertFails(String condition, AttributeValue value) {
        assertFails(condition, value, Map.of("#e", "expires"));
    }

    private void assertFails(String condition, AttributeValue value, Map<String, String> names) {
        assertFalse(check(condition, value, names), condition + " with " + value);
    }

    private boolean check(String condition, AttributeValue value, Map<String, String> names) {
        try {
            dynamo.updateItem(b -> b.tableName(TABLE).key(key("a")).conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(Map.of(":v", value)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private void assertValidation(String message, String condition, Map<String, String> names, Map<String, AttributeValue> values) {
        DynamoDbException e = assertThrows(DynamoDbException.class, () -> dynamo.putItem(b -> {
            b.tableName(TABLE).item(Map.of("scope", s("a"), "holder", s("changed"))).conditionExpression(condition)
                    .expressionAttributeNames(names);
            if (values != null) {
                b.expressionAttributeValues(values);
            }
        }));
        assertEquals(400, e.statusCode());
        assertEquals("ValidationException", e.awsErrorDetails().errorCode(), e.getMessage());
        assertTrue(e.awsErrorDetails().errorMessage().startsWith(message), e.awsErrorDetails().errorMessage());
    }
}
