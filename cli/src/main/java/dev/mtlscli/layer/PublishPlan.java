package dev.mtlscli.layer;

import dev.mtlscli.secrets.PasswordParameters;

import java.util.ArrayList;
import java.util.List;

/**
 * The calls `layer publish` makes for a service, in order, for --dry-run: printed without
 * calling anything, so it needs neither credentials nor network.
 */
public final class PublishPlan {
    private PublishPlan() {
    }

    public static List<PlannedCall> calls(LayerMaterial material, String parameterPrefix, PublishOptions options, LayerZip sizedZip) {
        return calls(material, parameterPrefix, options, sizedZip, null, false);
    }

    /** @param releaseEventBus the bus releases are announced on, or null */
    public static List<PlannedCall> calls(LayerMaterial material, String parameterPrefix, PublishOptions options, LayerZip sizedZip,
                                          String releaseEventBus, boolean shareRelease) {
        String layerName = options.layerName(material.service());
        List<PlannedCall> calls = new ArrayList<>();
        String key = options.kmsKeyId() == null ? "the aws/ssm key" : "KMS key " + options.kmsKeyId();
        for (String parameter : List.of(PasswordParameters.KEYSTORE, PasswordParameters.TRUSTSTORE)) {
            String name = parameterPrefix + parameter;
            calls.add(new PlannedCall("ssm", "GetParameter", name, "with decryption, to compare with the workspace password", null));
            calls.add(new PlannedCall("ssm", "PutParameter", name, "SecureString under " + key
                    + (options.tags().isEmpty() ? "" : ", tags " + options.tags().keySet()),
                    "it does not exist or holds another password"));
        }
        calls.add(new PlannedCall("lambda", "ListLayerVersions", layerName, "to find the newest version", null));
        calls.add(new PlannedCall("lambda", "GetLayerVersion", layerName + ":<newest>", "to compare its CodeSha256", "a version exists"));
        calls.add(new PlannedCall("lambda", "PublishLayerVersion", layerName, "zip of about " + sizedZip.size()
                + " bytes (mtls/" + material.service() + "/), runtimes " + String.join(",", options.compatibleRuntimes())
                + ", architectures " + String.join(",", options.architectures())
                + ", description \"" + LayerDescription.of(material) + "\"",
                "the newest version has other content"));
        calls.add(new PlannedCall("lambda", "GetLayerVersionPolicy", layerName + ":<version>", "to find the grants it has", null));
        for (Grant grant : options.grants()) {
            calls.add(new PlannedCall("lambda", "AddLayerVersionPermission", layerName + ":<version>",
                    "statement " + grant.statementId() + ", " + grant.describe(), "the statement is missing"));
        }
        String release = ReleaseAnnouncer.parameterName(parameterPrefix);
        calls.add(new PlannedCall("ssm", "GetParameter", release, "to find the version the last release announced", null));
        if (releaseEventBus != null) {
            calls.add(new PlannedCall("events", "PutEvents", releaseEventBus, "source " + ReleaseEvents.SOURCE + ", detail-type \""
                    + ReleaseEvents.PUBLISHED + "\"", "the parameter names another version"));
        }
        calls.add(new PlannedCall("ssm", "PutParameter", release, "String, the layer version's ARN" + (shareRelease ? ", advanced tier" : ""),
                "the parameter names another version"));
        if (shareRelease) {
            String share = ReleaseShare.shareName(material.service());
            calls.add(new PlannedCall("ram", "GetResourceShares", share, "to find the share of the release parameter", null));
            calls.add(new PlannedCall("ram", "CreateResourceShare", share, "the release parameter, with the granted accounts and organization",
                    "there is no such share"));
            calls.add(new PlannedCall("ram", "AssociateResourceShare", share, "what the share lacks of the parameter and the grantees",
                    "the share lacks some"));
        }
        return calls;
    }
}
