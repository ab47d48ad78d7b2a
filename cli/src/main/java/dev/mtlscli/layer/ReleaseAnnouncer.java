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
    private final Consumer<String> progress;

    /** @param events where to put the event, or null for the parameter alone */
    public ReleaseAnnouncer(ParameterPublisher parameters, ReleaseEvents events, Consumer<String> progress) {
        this.parameters = parameters;
        this.events = events;
        this.progress = progress;
    }

    /** The release parameter of a service's parameter prefix (which ends with a slash). */
    public static String parameterName(String parameterPrefix) {
        return parameterPrefix + PARAMETER;
    }

    public void announce(PublishedLayer layer, String parameterPrefix) {
        String name = parameterName(parameterPrefix);
        if (!parameters.needsString(name, layer.layerVersionArn())) {
            return;
        }
        if (events != null) {
            String id = events.put(ReleaseEvents.PUBLISHED, Json.writeLine(detail(layer, name)), List.of(layer.layerVersionArn()));
            progress.accept(layer.layerName() + ":" + layer.version() + ": announced on bus " + events.bus() + " (event " + id + ")");
        }
        parameters.publishString(name, layer.layerVersionArn(),
                "mtls-cli: the newest layer version of " + layer.service() + "; resolve it at deploy time");
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
