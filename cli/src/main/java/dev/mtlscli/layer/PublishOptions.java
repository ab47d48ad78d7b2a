package dev.mtlscli.layer;

import java.util.List;
import java.util.Map;

/**
 * How to publish a service's layer.
 *
 * @param layerNameTemplate   the layer name, {service} replaced by the service name
 * @param parameterPrefix     the SSM prefix of the passwords, {service} replaced likewise
 * @param kmsKeyId            the KMS key of the SecureStrings, or null for aws/ssm
 * @param tags                tags of the parameters created
 * @param compatibleRuntimes  e.g. java17, java21
 * @param architectures       x86_64, arm64
 * @param grants              who may use the published version
 */
public record PublishOptions(
        String layerNameTemplate,
        String parameterPrefix,
        String kmsKeyId,
        Map<String, String> tags,
        List<String> compatibleRuntimes,
        List<String> architectures,
        List<Grant> grants) {

    public static final String DEFAULT_LAYER_NAME = "mtls-{service}";
    public static final List<String> DEFAULT_RUNTIMES = List.of("java17", "java21");
    public static final List<String> DEFAULT_ARCHITECTURES = List.of("x86_64", "arm64");

    public PublishOptions {
        tags = Map.copyOf(tags);
        compatibleRuntimes = List.copyOf(compatibleRuntimes);
        architectures = List.copyOf(architectures);
        grants = List.copyOf(grants);
    }

    public String layerName(String service) {
        return layerNameTemplate.replace("{service}", service);
    }
}
