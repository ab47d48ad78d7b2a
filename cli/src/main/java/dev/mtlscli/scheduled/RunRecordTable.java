package dev.mtlscli.scheduled;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.lease.RotationLease;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last run of each service, as items {@code run/<service>} in the rotator's state table. A
 * run that finishes after a newer one (a slow execution overtaken by the next tick) does not
 * overwrite it: a write is conditional on being newer than what is there.
 */
public final class RunRecordTable {
    static final String PREFIX = "run/";
    private static final String RUN_ID = "runId";
    private static final String FINISHED = "finishedAtMillis";
    private static final String OUTCOME = "outcome";
    private static final String FAILED_TARGETS = "failedTargets";
    private static final String NEXT_RUN_BY = "nextRunByMillis";

    private final DynamoDbClient dynamo;
    private final String table;

    public RunRecordTable(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** @return false when a newer run's record is already there (this one is then dropped) */
    public boolean write(RunRecord record) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(key(record.service()));
        item.put(RUN_ID, AttributeValue.fromS(record.runId()));
        item.put(FINISHED, AttributeValue.fromN(Long.toString(record.finishedAt().toEpochMilli())));
        item.put(OUTCOME, AttributeValue.fromS(record.outcome()));
        item.put(FAILED_TARGETS, AttributeValue.fromS(String.join(",", record.failedTargets())));
        if (record.nextRunBy() != null) {
            item.put(NEXT_RUN_BY, AttributeValue.fromN(Long.toString(record.nextRunBy().toEpochMilli())));
        }
        try {
            AwsCalls.run(AwsService.DYNAMODB, "PutItem " + table, () -> dynamo.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#scope) OR #finished < :finished")
                    .expressionAttributeNames(Map.of("#scope", RotationLease.KEY, "#finished", FINISHED))
                    .expressionAttributeValues(Map.of(":finished", item.get(FINISHED)))));
            return true;
        } catch (MtlsException e) {
            if (e.getCause() instanceof ConditionalCheckFailedException) {
                return false;
            }
            throw e;
        }
    }

    public Optional<RunRecord> read(String service) {
        GetItemResponse answer = AwsCalls.call(AwsService.DYNAMODB, "GetItem " + table, () -> dynamo.getItem(b -> b.tableName(table)
                .key(key(service)).consistentRead(true)));
        if (!answer.hasItem() || answer.item().isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = answer.item();
        try {
            String failed = string(item, FAILED_TARGETS);
            return Optional.of(new RunRecord(service, string(item, RUN_ID), Instant.ofEpochMilli(Long.parseLong(item.get(FINISHED).n())),
                    string(item, OUTCOME), failed.isEmpty() ? List.of() : List.of(failed.split(",")),
                    item.containsKey(NEXT_RUN_BY) ? Instant.ofEpochMilli(Long.parseLong(item.get(NEXT_RUN_BY).n())) : null));
        } catch (RuntimeException e) {
            // a record is written only by the rotator: anything else is not trusted as a run's outcome
            throw new MtlsException("the last-run record of " + service + " in DynamoDB table " + table + " is not one the rotator wrote");
        }
    }

    private static String string(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        if (value == null || value.s() == null) {
            throw new IllegalArgumentException(attribute);
        }
        return value.s();
    }

    private static Map<String, AttributeValue> key(String service) {
        return Map.of(RotationLease.KEY, AttributeValue.fromS(PREFIX + service));
    }
}
