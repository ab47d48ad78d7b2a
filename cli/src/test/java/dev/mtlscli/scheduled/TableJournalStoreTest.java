package dev.mtlscli.scheduled;

import dev.mtlscli.MtlsException;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.lease.LeaseScope;
import dev.mtlscli.rotation.JournalEvent;
import dev.mtlscli.rotation.RotationJournal;
import dev.mtlscli.testing.FakeAwsCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rotator's journal in the fake DynamoDB through the real SDK client: lines survive being cut
 * over chunk items, no item grows past its chunk, a chunk left by a writer killed before it moved
 * the head is not read and is written over, and a writer whose view is stale is refused.
 */
class TableJournalStoreTest {
    private static final String TABLE = "mtls-rotator";
    private static FakeAws aws;
    private static DynamoDbClient dynamo;

    @BeforeAll
    static void start() {
        aws = FakeAws.start();
        aws.dynamoDb().createTable(TABLE, "scope");
        dynamo = FakeAwsCli.dynamoDb(aws, aws.region());
    }

    @AfterAll
    static void stop() {
        dynamo.close();
        aws.close();
    }

    private static LeaseScope scope(String layer) {
        return new LeaseScope(FakeAws.ACCOUNT_ID, aws.region(), layer);
    }

    @Test
    void linesLongerThanAChunkComeBackWholeAndEveryChunkStaysWithinItsSize() {
        TableJournalStore store = new TableJournalStore(dynamo, TABLE, scope("mtls-long"), 64);
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String line = "{\"n\":" + i + ",\"text\":\"" + "é".repeat(i * 7) + "\"}";
            store.append(line);
            written.add(line);
        }

        assertEquals(written, store.lines());
        assertEquals(written, new TableJournalStore(dynamo, TABLE, scope("mtls-long"), 64).lines(), "read by another run");
        long length = Long.parseLong((String) aws.dynamoDb().item(TABLE, "journal/" + scope("mtls-long").key()).orElseThrow()
                .get("length").get("N"));
        int total = written.stream().mapToInt(line -> line.getBytes(StandardCharsets.UTF_8).length + 1).sum();
        assertEquals(total, length);
        for (long chunk = 0; chunk * 64 < length; chunk++) {
            Map<String, Map<String, Object>> item = aws.dynamoDb().item(TABLE, "journal/" + scope("mtls-long").key() + "/" + chunk).orElseThrow();
            assertTrue(Long.parseLong((String) item.get("length").get("N")) <= 64, "chunk " + chunk);
        }
    }

    @Test
    void aChunkWrittenByAWriterKilledBeforeItsHeadMovedIsNotReadAndIsWrittenOver() {
        TableJournalStore store = new TableJournalStore(dynamo, TABLE, scope("mtls-torn"), 64);
        store.append("{\"line\":1}");
        // what a writer killed between its chunk write and its head write leaves behind
        String chunk0 = "journal/" + scope("mtls-torn").key() + "/0";
        byte[] torn = "{\"line\":1}\n{\"half\":".getBytes(StandardCharsets.UTF_8);
        dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("scope", AttributeValue.fromS(chunk0),
                "data", AttributeValue.fromB(SdkBytes.fromByteArray(torn)), "length", AttributeValue.fromN(Integer.toString(torn.length)))));

        TableJournalStore next = new TableJournalStore(dynamo, TABLE, scope("mtls-torn"), 64);
        assertEquals(List.of("{\"line\":1}"), next.lines());
        next.append("{\"line\":2}");

        assertEquals(List.of("{\"line\":1}", "{\"line\":2}"), new TableJournalStore(dynamo, TABLE, scope("mtls-torn"), 64).lines());
    }

    @Test
    void aWriterWhoseLeaseWasTakenOverIsRefusedBeforeItWritesAnything() {
        TableJournalStore stale = new TableJournalStore(dynamo, TABLE, scope("mtls-stale"));
        stale.append("{\"by\":\"first\"}");
        TableJournalStore taker = new TableJournalStore(dynamo, TABLE, scope("mtls-stale"));
        taker.lines();
        taker.append("{\"by\":\"taker\"}");

        MtlsException refused = assertThrows(MtlsException.class, () -> stale.append("{\"by\":\"first, again\"}"));

        assertTrue(refused.getMessage().contains("was written by someone else"), refused.getMessage());
        assertEquals(List.of("{\"by\":\"first\"}", "{\"by\":\"taker\"}"), taker.lines());
    }

    @Test
    void aRotationJournalInTheTableReadsBackItsEventsAndKeepsJournalsOfOtherLayersApart() {
        RotationJournal journal = RotationJournal.inStore(new TableJournalStore(dynamo, TABLE, scope("mtls-a")), "a", "mtls-a",
                aws.region(), Clock.systemUTC(), "scheduled rotator run-1");
        journal.append("r1", JournalEvent.PLANNED, Map.of("currentArn", "x"));
        journal.append("r1", JournalEvent.COMPLETED, Map.of());

        List<JournalEvent> events = RotationJournal.inStore(new TableJournalStore(dynamo, TABLE, scope("mtls-a")), "a", "mtls-a",
                aws.region(), Clock.systemUTC(), "someone").read();

        assertEquals(List.of(JournalEvent.PLANNED, JournalEvent.COMPLETED), events.stream().map(JournalEvent::event).toList());
        assertEquals("scheduled rotator run-1", events.get(0).by());
        assertTrue(new TableJournalStore(dynamo, TABLE, scope("mtls-b")).lines().isEmpty());
        assertTrue(journal.location().contains("journal/" + scope("mtls-a").key()), journal.location());
    }
}
