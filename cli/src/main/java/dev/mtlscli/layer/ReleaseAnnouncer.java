package dev.mtlscli.layer;

import dev.mtlscli.aws.Arns;
import dev.mtlscli.json.Json;
import dev.mtlscli.secrets.ParameterPublisher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Tells the consumers that the owner may not update that a service has a new layer version
 * (issue 23 item 6, the separation of duties of the AWS sample): the version's ARN goes into a
 * well-known String parameter, PREFIX + {@value #PARAMETER}, which the consumers' IaC resolves at
 * deploy time, and, when a bus is given, an event goes on EventBridge.
 *
 * <p>The parameter is written last and only when it names another version, so it doubles as the
 * record that the release was announced: a run cut off after the event re-announces (at least
 * once), and a re-run of a release that was fully announced puts no second event.
 */
public final class ReleaseAnnouncer {
    public static final String PARAMETER = "latest-layer-version-arn";

    private final ParameterPublisher parameters;
    private final ReleaseEvents events;
    private final Sharing sharing;
    private final Consumer<String> progress;

    /** Who the release parameter is shared with through RAM: the share, and its principals. */
    public record Sharing(ReleaseShare share, List<String> principals) {
    }

    /** @param events where to put the event, or null for the parameter alone */
    public ReleaseAnnouncer(ParameterPublisher parameters, ReleaseEvents events, Consumer<String> progress) {
        this(parameters, events, null, progress);
    }

    /** @param sharing the RAM share of the parameter, or null when it is not shared */
    public ReleaseAnnouncer(ParameterPublisher parameters, ReleaseEvents events, Sharing sharing, Consumer<String> progress) {
        this.parameters = parameters;
        this.events = events;
        this.sharing = sharing;
        this.progress = progress;
    }

    /** The release parameter of a service's parameter prefix (which ends with a slash). */
    public static String parameterName(String parameterPrefix) {
        return parameterPrefix + PARAMETER;
    }

    public void announce(PublishedLayer layer, String parameterPrefix) {
        String name = parameterName(parameterPrefix);
        if (parameters.needsString(name, layer.layerVersionArn())) {
            release(layer, name);
        }
        if (sharing != null) {
            share(layer, name);
        }
    }

    /**
     * Shares the parameter, first moving it to the advanced tier when RAM refuses it as a standard
     * one (a parameter written before sharing was asked for): the same value again, once.
     */
    private void share(PublishedLayer layer, String name) {
        String arn = "arn:aws:ssm:" + Arns.region(layer.layerVersionArn()) + ":" + Arns.account(layer.layerVersionArn()) + ":parameter"
                + name;
        try {
            sharing.share().ensure(layer.service(), arn, sharing.principals());
        } catch (dev.mtlscli.MtlsException e) {
            if (!(e.getCause() instanceof software.amazon.awssdk.services.ram.model.InvalidParameterException)) {
                throw e;
            }
            parameters.publishString(name, layer.layerVersionArn(), description(layer), true, true);
            progress.accept(name + ": moved to the advanced tier, which a shared parameter needs");
            sharing.share().ensure(layer.service(), arn, sharing.principals());
        }
    }

    private static String description(PublishedLayer layer) {
        return "mtls-cli: the newest layer version of " + layer.service() + "; resolve it at deploy time";
    }

    private void release(PublishedLayer layer, String name) {
        if (events != null) {
            String id = events.put(ReleaseEvents.PUBLISHED, Json.writeLine(detail(layer, name)), List.of(layer.layerVersionArn()));
            progress.accept(layer.layerName() + ":" + layer.version() + ": announced on bus " + events.bus() + " (event " + id + ")");
        }
        parameters.publishString(name, layer.layerVersionArn(), description(layer), sharing != null, false);
        progress.accept(name + ": now names " + layer.layerVersionArn());
    }

    private static Map<String, Object> detail(PublishedLayer layer, String parameter) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("schemaVersion", 1);
        detail.put("service", layer.service());
        detail.put("layerName", layer.layerName());
        detail.put("layerVersion", layer.version());
        detail.put("layerVersionArn", layer.layerVersionArn());
        detail.put("account", Arns.account(layer.layerVersionArn()));
        detail.put("region", Arns.region(layer.layerVersionArn()));
        detail.put("certificateNotAfter", layer.notAfter() == null ? null : layer.notAfter().toString());
        detail.put("certificateSha256", layer.certificateSha256());
        detail.put("releaseParameter", parameter);
        return detail;
    }
}
