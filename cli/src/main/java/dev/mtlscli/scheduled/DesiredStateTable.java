package dev.mtlscli.scheduled;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.lease.RotationLease;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The desired states in the rotator's DynamoDB table, one item per service under the key
 * {@code desired/<service>} beside the leases (whose keys begin with a 12-digit account, so the
 * two never meet). Every write names the revision it replaces: two people scheduling the same
 * service at once do not silently overwrite each other; the second is told to read again.
 */
public final class DesiredStateTable {
    static final String PREFIX = "desired/";
    static final String DOCUMENT = "document";
    static final String REVISION = "revision";
    static final String WRITTEN_AT = "writtenAt";
    static final String WRITTEN_BY = "writtenBy";
    /** DynamoDB's item limit is 400 KB; a state that large holds far more than one service's CA chain. */
    static final int MAX_DOCUMENT_BYTES = 300 * 1024;

    private final DynamoDbClient dynamo;
    private final String table;

    public DesiredStateTable(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** A state as stored, with the revision a later write must name. */
    public record Stored(DesiredState state, long revision, Instant writtenAt, String writtenBy) {
    }

    public Optional<Stored> read(String service) {
        GetItemResponse answer = AwsCalls.call(AwsService.DYNAMODB, "GetItem " + table, () -> dynamo.getItem(b -> b.tableName(table)
                .key(key(service)).consistentRead(true)));
        if (!answer.hasItem() || answer.item().isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = answer.item();
        String source = "the desired state of " + service + " in DynamoDB table " + table;
        AttributeValue document = item.get(DOCUMENT);
        AttributeValue revision = item.get(REVISION);
        if (document == null || document.s() == null || revision == null || revision.n() == null) {
            throw new MtlsException(source + " is not one mtls-cli wrote (no " + DOCUMENT + " or " + REVISION + ")");
        }
        DesiredState state = DesiredState.parse(document.s(), source);
        if (!state.service().equals(service)) {
            throw new MtlsException(source + " names the service " + state.service() + "; it was not written by mtls-cli");
        }
        AttributeValue at = item.get(WRITTEN_AT);
        AttributeValue by = item.get(WRITTEN_BY);
        return Optional.of(new Stored(state, Long.parseLong(revision.n()), at == null ? null : Instant.parse(at.s()),
                by == null ? null : by.s()));
    }

    /**
     * Writes {@code state} as the revision after {@code replaces} (null: there must be none yet).
     *
     * @return the revision written
     */
    public long write(DesiredState state, Long replaces, String writtenBy, Instant now) {
        String document = state.toJson();
        if (document.getBytes(StandardCharsets.UTF_8).length > MAX_DOCUMENT_BYTES) {
            throw new MtlsException("the desired state of " + state.service() + " is over " + MAX_DOCUMENT_BYTES / 1024
                    + " KB; DynamoDB holds 400 KB per item");
        }
        long revision = replaces == null ? 1 : replaces + 1;
        Map<String, AttributeValue> item = new LinkedHashMap<>(key(state.service()));
        item.put(DOCUMENT, AttributeValue.fromS(document));
        item.put(REVISION, AttributeValue.fromN(Long.toString(revision)));
        item.put(WRITTEN_AT, AttributeValue.fromS(now.toString()));
        item.put(WRITTEN_BY, AttributeValue.fromS(writtenBy));
        try {
            AwsCalls.run(AwsService.DYNAMODB, "PutItem " + table, () -> dynamo.putItem(b -> {
                b.tableName(table).item(item);
                if (replaces == null) {
                    b.conditionExpression("attribute_not_exists(#scope)").expressionAttributeNames(Map.of("#scope", RotationLease.KEY));
                } else {
                    b.conditionExpression("#revision = :replaces").expressionAttributeNames(Map.of("#revision", REVISION))
                            .expressionAttributeValues(Map.of(":replaces", AttributeValue.fromN(Long.toString(replaces))));
                }
            }));
        } catch (MtlsException e) {
            if (e.getCause() instanceof ConditionalCheckFailedException) {
                throw new MtlsException("the desired state of " + state.service() + " in " + table + " changed since it was read"
                        + (replaces == null ? " (it exists now)" : " (revision " + replaces + " is no longer the newest)")
                        + "; someone else scheduled it: read it again and re-apply your change");
            }
            throw e;
        }
        return revision;
    }

    private static Map<String, AttributeValue> key(String service) {
        return Map.of(RotationLease.KEY, AttributeValue.fromS(PREFIX + service));
    }
}
