package dev.mtlscli.layer;

import dev.mtlscli.MtlsException;
import dev.mtlscli.TerminalText;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

import java.util.List;
import java.util.Set;

/**
 * Puts mtls-cli's events on an EventBridge bus, from which consumer accounts route them to their
 * own buses. PutEvents answers 200 even when the event was not taken: the failure is in the
 * entry, which the SDK does not retry, so the retryable ones are retried here and the others end
 * the command.
 */
public final class ReleaseEvents {
    public static final String SOURCE = "mtls-cli";
    public static final String PUBLISHED = "mTLS Layer Version Published";
    /** A version whose certificate expires soon: its consumers must move to the newest one by then. */
    public static final String EXPIRING = "mTLS Layer Version Expiring";
    /** The entry errors that EventBridge documents as retryable. */
    private static final Set<String> RETRYABLE = Set.of("InternalFailure", "ThrottlingException");
    private static final int ATTEMPTS = 4;
    private static final long FIRST_BACKOFF_MILLIS = 200;

    private final EventBridgeClient events;
    private final String bus;

    /** @param bus the bus's name or ARN ({@code default} for the account's default bus) */
    public ReleaseEvents(EventBridgeClient events, String bus) {
        this.events = events;
        this.bus = bus;
    }

    public String bus() {
        return bus;
    }

    /** Puts one event and returns its id. */
    public String put(String detailType, String detailJson, List<String> resources) {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .eventBusName(bus).source(SOURCE).detailType(detailType).detail(detailJson).resources(resources).build();
        PutEventsResultEntry result = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            PutEventsResponse response = AwsCalls.call(AwsService.EVENTS, "PutEvents " + bus, () -> events.putEvents(b -> b.entries(entry)));
            result = response.entries().isEmpty() ? null : response.entries().get(0);
            if (result != null && result.errorCode() == null && result.eventId() != null) {
                return result.eventId();
            }
            if (result == null || !RETRYABLE.contains(result.errorCode()) || attempt == ATTEMPTS) {
                break;
            }
            backOff(attempt);
        }
        String why = result == null ? "an answer without its entry" : result.errorCode() + ": " + result.errorMessage();
        throw new MtlsException("EventBridge did not take the event '" + detailType + "' on bus " + bus + " (" + TerminalText.escape(why) + ")");
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(FIRST_BACKOFF_MILLIS << (attempt - 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MtlsException("interrupted while putting an event on EventBridge");
        }
    }
}
