package dev.mtlscli.scheduled;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.lease.LeaseScope;
import dev.mtlscli.lease.RotationLease;
import dev.mtlscli.rotation.JournalStore;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rotation journal in the rotator's state table, since a Lambda function has no disk that
 * outlives its run. The journal is one byte stream (the lines, each ending with a newline) cut into
 * chunks of {@value #CHUNK_BYTES} bytes, item {@code journal/<account>/<region>/<layer>/<n>} holding
 * bytes n * CHUNK_BYTES onwards, so no item nears DynamoDB's 400 KB limit however long the journal
 * grows. The head item {@code journal/<account>/<region>/<layer>} holds the committed length: bytes
 * past it (a chunk written by a run killed before it moved the head) are not read and are written
 * over by the next line, as a torn last line of a file is.
 *
 * <p>Every write is conditional: a chunk on the length it was read with, the head on the length
 * this journal last saw. So two writers never interleave bytes, and a writer whose lease was taken
 * over (its view of the journal is stale) is refused before it writes anything. GetItem and PutItem
 * only: the items are found by their keys, never by a Query.
 */
public final class TableJournalStore implements JournalStore {
    static final String PREFIX = "journal/";
    static final String LENGTH = "length";
    static final String DATA = "data";
    /** Well below DynamoDB's 400 KB per item, key and attribute names included. */
    static final int CHUNK_BYTES = 256 * 1024;

    private final DynamoDbClient dynamo;
    private final String table;
    private final String head;
    private final int chunkBytes;
    /** The committed length this journal last read or wrote; null before its first read. */
    private Long seen;

    public TableJournalStore(DynamoDbClient dynamo, String table, LeaseScope scope) {
        this(dynamo, table, scope, CHUNK_BYTES);
    }

    /** @param chunkBytes the size of a chunk; tests use small ones to cross chunk boundaries */
    TableJournalStore(DynamoDbClient dynamo, String table, LeaseScope scope, int chunkBytes) {
        this.dynamo = dynamo;
        this.table = table;
        this.head = PREFIX + scope.key();
        this.chunkBytes = chunkBytes;
    }

    @Override
    public String location() {
        return "DynamoDB table " + table + " item " + head;
    }

    @Override
    public synchronized void append(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        long committed = committedLength();
        if (seen != null && committed != seen) {
            throw changed("it grew from " + seen + " to " + committed + " bytes since this run read it");
        }
        long end = committed + bytes.length;
        int written = 0;
        for (long chunk = committed / chunkBytes; chunk * chunkBytes < end; chunk++) {
            long chunkStart = chunk * chunkBytes;
            Optional<byte[]> stored = data(chunk);
            int keep = (int) Math.max(0, committed - chunkStart);
            byte[] kept = stored.map(data -> Arrays.copyOf(data, keep)).orElse(new byte[0]);
            if (kept.length < keep) {
                throw new MtlsException(location() + ": chunk " + chunk + " holds " + stored.map(d -> d.length).orElse(0)
                        + " bytes, less than the " + keep + " the head counts; it was not written by mtls-cli");
            }
            int room = chunkBytes - keep;
            int piece = Math.min(room, bytes.length - written);
            byte[] content = Arrays.copyOf(kept, keep + piece);
            System.arraycopy(bytes, written, content, keep, piece);
            written += piece;
            putChunk(chunk, content, stored.map(data -> data.length));
        }
        commit(committed, end);
        seen = end;
    }

    @Override
    public synchronized List<String> lines() {
        long committed = committedLength();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long chunk = 0; chunk * chunkBytes < committed; chunk++) {
            byte[] data = data(chunk).orElseThrow(() -> new MtlsException(location() + " counts " + committed
                    + " bytes but a chunk is missing; it was not written by mtls-cli"));
            out.write(data, 0, (int) Math.min(data.length, committed - chunk * chunkBytes));
        }
        byte[] bytes = out.toByteArray();
        if (bytes.length != committed) {
            throw new MtlsException(location() + " counts " + committed + " bytes but its chunks hold " + bytes.length
                    + "; it was not written by mtls-cli");
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                lines.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        seen = committed;
        return lines;
    }

    private long committedLength() {
        return item(head).map(item -> {
            AttributeValue length = item.get(LENGTH);
            if (length == null || length.n() == null) {
                throw new MtlsException(location() + " has no number " + LENGTH + "; it was not written by mtls-cli");
            }
            return Long.parseLong(length.n());
        }).orElse(0L);
    }

    private Optional<byte[]> data(long chunk) {
        return item(head + "/" + chunk).map(item -> {
            AttributeValue data = item.get(DATA);
            if (data == null || data.b() == null) {
                throw new MtlsException(location() + ": chunk " + chunk + " has no binary " + DATA + "; it was not written by mtls-cli");
            }
            return data.b().asByteArray();
        });
    }

    /** Writes a chunk on condition that it still holds what was read ({@code readLength}, or nothing). */
    private void putChunk(long chunk, byte[] content, Optional<Integer> readLength) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(RotationLease.KEY, AttributeValue.fromS(head + "/" + chunk));
        item.put(DATA, AttributeValue.fromB(SdkBytes.fromByteArray(content)));
        item.put(LENGTH, number(content.length));
        conditional(() -> AwsCalls.run(AwsService.DYNAMODB, "PutItem " + table, () -> dynamo.putItem(b -> {
            b.tableName(table).item(item);
            if (readLength.isEmpty()) {
                b.conditionExpression("attribute_not_exists(#scope)").expressionAttributeNames(Map.of("#scope", RotationLease.KEY));
            } else {
                b.conditionExpression("#length = :read").expressionAttributeNames(Map.of("#length", LENGTH))
                        .expressionAttributeValues(Map.of(":read", number(readLength.get())));
            }
        })), "chunk " + chunk + " changed while this run wrote it");
    }

    private void commit(long from, long to) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(RotationLease.KEY, AttributeValue.fromS(head));
        item.put(LENGTH, number(to));
        conditional(() -> AwsCalls.run(AwsService.DYNAMODB, "PutItem " + table, () -> dynamo.putItem(b -> {
            b.tableName(table).item(item);
            if (from == 0) {
                b.conditionExpression("attribute_not_exists(#scope) OR #length = :from")
                        .expressionAttributeNames(Map.of("#scope", RotationLease.KEY, "#length", LENGTH));
            } else {
                b.conditionExpression("#length = :from").expressionAttributeNames(Map.of("#length", LENGTH));
            }
            b.expressionAttributeValues(Map.of(":from", number(from)));
        })), "its length moved on from " + from + " bytes while this run wrote a line");
    }

    private void conditional(Runnable write, String what) {
        try {
            write.run();
        } catch (MtlsException e) {
            if (e.getCause() instanceof ConditionalCheckFailedException) {
                throw changed(what);
            }
            throw e;
        }
    }

    private MtlsException changed(String what) {
        return new MtlsException("the rotation journal in " + location() + " was written by someone else: " + what
                + "; another rotation holds this service now (its lease was taken over), so this one stopped before its next step");
    }

    private Optional<Map<String, AttributeValue>> item(String key) {
        GetItemResponse answer = AwsCalls.call(AwsService.DYNAMODB, "GetItem " + table, () -> dynamo.getItem(b -> b.tableName(table)
                .key(Map.of(RotationLease.KEY, AttributeValue.fromS(key))).consistentRead(true)));
        return answer.hasItem() && !answer.item().isEmpty() ? Optional.of(answer.item()) : Optional.empty();
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
