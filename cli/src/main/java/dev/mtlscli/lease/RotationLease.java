package dev.mtlscli.lease;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The rotation lease in a DynamoDB table (string partition key {@value #KEY}): one item per
 * {@link LeaseScope}, taken with a conditional PutItem, renewed and released with conditional
 * UpdateItems. DynamoDB has no clock in its conditions, so expiry is the holder's own: the item
 * carries the epoch milliseconds until which it holds, and a taker's condition compares them with
 * its own now. Clocks of holders must therefore agree to well within the lease's time to live.
 *
 * <p>Every acquisition writes a fencing token one higher than the item's last, and renewal and
 * release are conditional on holder and token, so a holder whose lease expired and was taken over
 * learns it at its next renewal instead of acting beside the new holder. Release keeps the item
 * (without holder and expiry) rather than deleting it, so that the token keeps counting up across
 * releases: a deleted item would start again at 1.
 *
 * <p>Callable without picocli: the command and the scheduled rotator hold the same lease.
 */
public final class RotationLease {
    public static final String KEY = "scope";
    static final String HOLDER = "holder";
    static final String TOKEN = "token";
    static final String SINCE = "acquiredAt";
    static final String EXPIRES = "expiresAt";
    static final String RENEWED = "renewedAt";
    static final String RELEASED = "releasedAt";

    /** A lost race (the item changed between our read and our write) is read again this many times. */
    private static final int ATTEMPTS = 3;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public RotationLease(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    public String table() {
        return table;
    }

    /**
     * Takes the lease of {@code scope} for {@code holder}, if it is free or its holder let it
     * expire.
     *
     * @throws LeaseHeldException naming the holder, when it is held
     */
    public Lease acquire(LeaseScope scope, String holder, Duration ttl) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Map<String, AttributeValue>> current = read(scope);
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            if (current.isPresent()) {
                Lease seen = lease(scope, current.get());
                if (seen.heldAt(now)) {
                    throw new LeaseHeldException(table, seen);
                }
            }
            long token = current.map(item -> number(item, TOKEN) + 1).orElse(1L);
            Map<String, AttributeValue> item = new LinkedHashMap<>();
            item.put(KEY, AttributeValue.fromS(scope.key()));
            item.put(HOLDER, AttributeValue.fromS(holder));
            item.put(TOKEN, number(token));
            item.put(SINCE, number(now.toEpochMilli()));
            item.put(EXPIRES, number(now.plus(ttl).toEpochMilli()));
            item.put(RENEWED, number(now.toEpochMilli()));
            try {
                AwsCalls.run(AwsService.DYNAMODB, "PutItem " + table, () -> dynamo.putItem(b -> {
                    b.tableName(table).item(item).returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
                    if (current.isEmpty()) {
                        b.conditionExpression("attribute_not_exists(#scope)").expressionAttributeNames(Map.of("#scope", KEY));
                    } else {
                        // nobody took or renewed it since we read it, and it is (still) free or expired
                        b.conditionExpression("#token = :seen AND (attribute_not_exists(#holder) OR #expires < :now)")
                                .expressionAttributeNames(Map.of("#token", TOKEN, "#holder", HOLDER, "#expires", EXPIRES))
                                .expressionAttributeValues(Map.of(":seen", number(number(current.get(), TOKEN)),
                                        ":now", number(now.toEpochMilli())));
                    }
                }));
                return new Lease(scope.key(), holder, token, now, now.plus(ttl));
            } catch (MtlsException e) {
                if (!(e.getCause() instanceof ConditionalCheckFailedException refused)) {
                    throw e;
                }
                if (refused.hasItem() && lease(scope, refused.item()).heldAt(now)) {
                    throw new LeaseHeldException(table, lease(scope, refused.item()));
                }
                // released, or taken and let go, between our read and our write: read again
            }
        }
        throw new MtlsException("the lease of " + scope.key() + " in DynamoDB table " + table + " changed hands " + ATTEMPTS
                + " times while it was being taken; run again");
    }

    /**
     * Extends the lease to {@code ttl} from now, if this holder still holds it with this token.
     *
     * @throws LeaseLostException when another holder took it (or it was removed)
     */
    public Lease renew(Lease lease, Duration ttl) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try {
            AwsCalls.run(AwsService.DYNAMODB, "UpdateItem " + table, () -> dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of(KEY, AttributeValue.fromS(lease.scope())))
                    .updateExpression("SET #expires = :expires, #renewed = :now")
                    .conditionExpression("#holder = :holder AND #token = :token")
                    .expressionAttributeNames(Map.of("#expires", EXPIRES, "#renewed", RENEWED, "#holder", HOLDER, "#token", TOKEN))
                    .expressionAttributeValues(Map.of(":expires", number(now.plus(ttl).toEpochMilli()), ":now", number(now.toEpochMilli()),
                            ":holder", AttributeValue.fromS(lease.holder()), ":token", number(lease.token())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
            return new Lease(lease.scope(), lease.holder(), lease.token(), lease.since(), now.plus(ttl));
        } catch (MtlsException e) {
            if (!(e.getCause() instanceof ConditionalCheckFailedException refused)) {
                throw e;
            }
            String who = refused.hasItem() && refused.item().containsKey(HOLDER)
                    ? "it is now leased to " + refused.item().get(HOLDER).s() + " since "
                    + Instant.ofEpochMilli(number(refused.item(), SINCE)) + " with token " + number(refused.item(), TOKEN)
                    : "it is no longer held";
            throw new LeaseLostException("the lease of " + lease.scope() + " (token " + lease.token() + ") was lost: " + who
                    + "; stopped before the next change (run rotate again to resume once it is free)");
        }
    }

    /**
     * Lets the lease go, if this holder still holds it; a lease already taken over is left to its
     * new holder.
     *
     * @return whether this holder's lease was released
     */
    public boolean release(Lease lease) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try {
            AwsCalls.run(AwsService.DYNAMODB, "UpdateItem " + table, () -> dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of(KEY, AttributeValue.fromS(lease.scope())))
                    .updateExpression("REMOVE #holder, #expires SET #released = :now")
                    .conditionExpression("#holder = :holder AND #token = :token")
                    .expressionAttributeNames(Map.of("#holder", HOLDER, "#expires", EXPIRES, "#released", RELEASED, "#token", TOKEN))
                    .expressionAttributeValues(Map.of(":now", number(now.toEpochMilli()), ":holder", AttributeValue.fromS(lease.holder()),
                            ":token", number(lease.token())))));
            return true;
        } catch (MtlsException e) {
            if (e.getCause() instanceof ConditionalCheckFailedException) {
                return false;
            }
            throw e;
        }
    }

    /** The lease of a scope as the table holds it now (a strongly consistent read), if there ever was one. */
    public Optional<Lease> current(LeaseScope scope) {
        return read(scope).map(item -> lease(scope, item));
    }

    private Optional<Map<String, AttributeValue>> read(LeaseScope scope) {
        GetItemResponse answer;
        try {
            answer = AwsCalls.call(AwsService.DYNAMODB, "GetItem " + table, () -> dynamo.getItem(b -> b.tableName(table)
                    .key(Map.of(KEY, AttributeValue.fromS(scope.key()))).consistentRead(true)));
        } catch (MtlsException e) {
            if (e.getCause() instanceof ResourceNotFoundException) {
                throw new MtlsException("the lease table " + table + " was not found (DynamoDB ResourceNotFoundException); "
                        + "a lease table has the string partition key '" + KEY + "' (docs/rotation.md, 'Two rotations at once')", e);
            }
            throw e;
        }
        return answer.hasItem() && !answer.item().isEmpty() ? Optional.of(answer.item()) : Optional.empty();
    }

    private Lease lease(LeaseScope scope, Map<String, AttributeValue> item) {
        AttributeValue holder = item.get(HOLDER);
        return new Lease(scope.key(), holder == null ? null : holder.s(), number(item, TOKEN),
                Instant.ofEpochMilli(number(item, SINCE)), Instant.ofEpochMilli(item.containsKey(EXPIRES) ? number(item, EXPIRES) : 0));
    }

    /** A number attribute written by a lease; what another program wrote there is refused, not guessed. */
    private long number(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        try {
            return Long.parseLong(value.n());
        } catch (RuntimeException e) {
            AttributeValue key = item.get(KEY);
            throw new MtlsException("the lease item of " + (key == null ? "?" : key.s()) + " in DynamoDB table " + table + " has no number "
                    + attribute + "; it was not written by mtls-cli");
        }
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
