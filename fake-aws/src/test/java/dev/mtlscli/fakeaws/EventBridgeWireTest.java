package dev.mtlscli.fakeaws;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;

import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fake EventBridge through the real SDK client: PutEvents, its whole-request errors and its per-entry failures. */
class EventBridgeWireTest {
    private FakeAws aws;
    private EventBridgeClient events;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        events = EventBridgeClient.builder().httpClient(UrlConnectionHttpClient.create()).credentialsProvider(KmsWire.home())
                .region(Region.of(aws.region())).endpointOverride(aws.endpoint()).build();
    }

    @AfterEach
    void stop() {
        events.close();
        aws.close();
    }

    private static PutEventsRequestEntry entry(String detail) {
        return PutEventsRequestEntry.builder().source("mtls-cli").detailType("Layer Version Published").detail(detail)
                .resources("arn:aws:lambda:eu-west-1:111122223333:layer:mtls-service-1:3").build();
    }

    @Test
    void anEventPutOnTheDefaultBusIsKeptWithItsFields() {
        PutEventsResponse response = events.putEvents(b -> b.entries(entry("{\"service\":\"service-1\"}")));

        assertEquals(0, response.failedEntryCount());
        String id = response.entries().get(0).eventId();
        assertNotNull(id);
        FakeEventBridge.Event event = aws.eventBridge().events().get(0);
        assertEquals(id, event.id());
        assertEquals("default", event.bus());
        assertEquals("mtls-cli", event.source());
        assertEquals("Layer Version Published", event.detailType());
        assertEquals("{\"service\":\"service-1\"}", event.detail());
        assertEquals(List.of("arn:aws:lambda:eu-west-1:111122223333:layer:mtls-service-1:3"), event.resources());
    }

    @Test
    void aNamedBusByNameOrArn() {
        aws.eventBridge().createBus("releases");

        events.putEvents(b -> b.entries(entry("{}").toBuilder().eventBusName("releases").build(),
                entry("{}").toBuilder().eventBusName("arn:aws:events:" + aws.region() + ":" + FakeAws.ACCOUNT_ID + ":event-bus/releases").build()));

        assertEquals(List.of("releases", "releases"), aws.eventBridge().events().stream().map(FakeEventBridge.Event::bus).toList());
    }

    @Test
    void aBusThatDoesNotExistFailsTheWholeRequest() {
        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class,
                () -> events.putEvents(b -> b.entries(entry("{}").toBuilder().eventBusName("nope").build())));

        assertTrue(e.getMessage().contains("Event bus nope does not exist"), e.getMessage());
        assertTrue(aws.eventBridge().events().isEmpty());
    }

    @Test
    void aBadEntryFailsAloneInsideASuccessfulAnswer() {
        PutEventsResponse response = events.putEvents(b -> b.entries(entry("not json"), entry("[1]"), entry("{\"ok\":true}"),
                entry("{}").toBuilder().source(null).build(), entry("{}").toBuilder().source("aws.lambda").build()));

        assertEquals(4, response.failedEntryCount());
        assertEquals(List.of("MalformedDetail", "MalformedDetail", "", "InvalidArgument", "NotAuthorizedForSourceException"),
                response.entries().stream().map(r -> r.errorCode() == null ? "" : r.errorCode()).toList());
        assertNull(response.entries().get(0).eventId());
        assertEquals(1, aws.eventBridge().events().size());
    }

    @Test
    void aRetryableFailureOfAnEntryIsReportedTheSameWay() {
        aws.eventBridge().failNextEntries(1);

        PutEventsResponse response = events.putEvents(b -> b.entries(entry("{}"), entry("{}")));

        assertEquals(1, response.failedEntryCount());
        assertEquals("InternalFailure", response.entries().get(0).errorCode());
        assertNotNull(response.entries().get(1).eventId());
    }

    @Test
    void noEntriesOrMoreThanTenAreRefused() {
        assertThrows(EventBridgeException.class, () -> events.putEvents(b -> b.entries(List.of())));
        assertThrows(EventBridgeException.class, () -> events.putEvents(b -> b.entries(Collections.nCopies(11, entry("{}")))));
        assertTrue(aws.eventBridge().events().isEmpty());
    }
}
