package dev.mtlscli.fakeaws;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layer operations of Lambda on the wire: input checks as the API reference states them,
 * over the state in {@link LayerStore}. The caller is always the fake's account: another
 * account's layer can only be read, and only when its policy grants the caller.
 */
final class LambdaLayerOperations {
    private static final int MAX_LIST_ITEMS = 50;
    private static final Set<String> ARCHITECTURES = Set.of("x86_64", "arm64");

    private final LayerStore layers;

    LambdaLayerOperations(LayerStore layers) {
        this.layers = layers;
    }

    RestAnswer publishLayerVersion(RestCall call) throws AwsError {
        LambdaNames.LayerRef layer = ownLayer(call, "lambda:PublishLayerVersion");
        Map<String, Object> input = call.json();
        if (!(input.get("Content") instanceof Map<?, ?> content)) {
            throw LambdaNames.violation("content", null, "Member must not be null");
        }
        if (content.get("S3Bucket") != null || content.get("S3Key") != null || content.get("S3ObjectVersion") != null) {
            throw LambdaErrors.invalidParameter("fake-aws only takes the layer archive inline, in Content.ZipFile;"
                    + " S3Bucket, S3Key and S3ObjectVersion are not served.");
        }
        if (!(content.get("ZipFile") instanceof String base64)) {
            throw LambdaErrors.invalidParameter("Please provide a source for the layer: Content.ZipFile.");
        }
        byte[] zip;
        try {
            zip = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw AwsError.badRequest("InvalidRequestContentException",
                    "Could not parse request body into json: Content.ZipFile is not Base64.");
        }
        String description = JsonArgs.optionalString(input, "Description");
        if (description != null) {
            LambdaNames.check("description", description, null, 0, 256);
        }
        List<String> runtimes = orEmpty(LambdaArgs.stringList(input, "CompatibleRuntimes"));
        if (runtimes.size() > 15) {
            throw LambdaNames.violation("compatibleRuntimes", runtimes, "Member must have length less than or equal to 15");
        }
        List<String> architectures = orEmpty(LambdaArgs.stringList(input, "CompatibleArchitectures"));
        if (architectures.size() > 2) {
            throw LambdaNames.violation("compatibleArchitectures", architectures,
                    "Member must have length less than or equal to 2");
        }
        for (String architecture : architectures) {
            if (!ARCHITECTURES.contains(architecture)) {
                throw LambdaNames.violation("compatibleArchitectures", architectures,
                        "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]");
            }
        }
        String license = JsonArgs.optionalString(input, "LicenseInfo");
        if (license != null) {
            LambdaNames.check("licenseInfo", license, null, 0, 512);
        }
        FakeLambda.LayerVersion published = layers.publish(new LayerStore.Publish(layer, zip, description, runtimes,
                architectures, license));
        return RestAnswer.json(201, versionJson(published));
    }

    /**
     * PublishLayerVersion's limit on the request, from the archive limit: its Base64 form, which is
     * what makes the request large. An archive just over the limit is refused here, unparsed.
     */
    void checkRequestSize(long bodyBytes) throws AwsError {
        long limit = layers.maxRequestBytes();
        if (bodyBytes > limit) {
            throw LambdaErrors.entityTooLarge(limit, "PublishLayerVersion");
        }
    }

    RestAnswer getLayerVersion(RestCall call) throws AwsError {
        LambdaNames.LayerRef layer = LambdaNames.layer(call.pathParam("LayerName"), layers.region(),
                layers.accountId());
        return RestAnswer.json(200, versionJson(readable(layer, LambdaArgs.pathLong(call, "VersionNumber"))));
    }

    RestAnswer getLayerVersionByArn(RestCall call) throws AwsError {
        LambdaNames.LayerVersionRef ref = LambdaNames.layerVersion("arn", call.queryParam("Arn"));
        return RestAnswer.json(200, versionJson(readable(ref.layer(), ref.version())));
    }

    RestAnswer listLayerVersions(RestCall call) throws AwsError {
        LambdaNames.LayerRef layer = ownLayer(call, "lambda:ListLayerVersions");
        int maxItems = LambdaArgs.queryInt(call, "MaxItems", 1, MAX_LIST_ITEMS, MAX_LIST_ITEMS);
        String after = LambdaArgs.markerKey(call);
        List<FakeLambda.LayerVersion> matching = layers.versions(layer).stream()
                .filter(v -> matches(v, call)).toList();
        int start = 0;
        if (after != null) {
            long nextVersion = parseVersionMarker(after);
            while (start < matching.size() && matching.get(start).version() > nextVersion) {
                start++;
            }
        }
        int end = Math.min(matching.size(), start + maxItems);
        Map<String, Object> output = new LinkedHashMap<>();
        if (end < matching.size()) {
            output.put("NextMarker", LambdaArgs.marker(Long.toString(matching.get(end).version())));
        }
        output.put("LayerVersions", matching.subList(start, end).stream().map(LambdaLayerOperations::listItem).toList());
        return RestAnswer.json(200, output);
    }

    RestAnswer listLayers(RestCall call) throws AwsError {
        int maxItems = LambdaArgs.queryInt(call, "MaxItems", 1, MAX_LIST_ITEMS, MAX_LIST_ITEMS);
        String after = LambdaArgs.markerKey(call);
        List<Map<String, Object>> items = new ArrayList<>();
        String nextMarker = null;
        for (Map.Entry<String, List<FakeLambda.LayerVersion>> layer : layers.layersOf(layers.accountId()).entrySet()) {
            if (after != null && layer.getKey().compareTo(after) < 0) {
                continue;
            }
            FakeLambda.LayerVersion latest = layer.getValue().stream().filter(v -> matches(v, call)).findFirst()
                    .orElse(null);
            if (latest == null) {
                continue;
            }
            if (items.size() == maxItems) {
                nextMarker = LambdaArgs.marker(layer.getKey());
                break;
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("LayerName", latest.layerName());
            item.put("LayerArn", latest.layerArn());
            item.put("LatestMatchingVersion", listItem(latest));
            items.add(item);
        }
        Map<String, Object> output = new LinkedHashMap<>();
        if (nextMarker != null) {
            output.put("NextMarker", nextMarker);
        }
        output.put("Layers", items);
        return RestAnswer.json(200, output);
    }

    RestAnswer deleteLayerVersion(RestCall call) throws AwsError {
        LambdaNames.LayerRef layer = ownLayer(call, "lambda:DeleteLayerVersion");
        layers.delete(layer, LambdaArgs.pathLong(call, "VersionNumber"));
        return RestAnswer.empty(204);
    }

    RestAnswer addLayerVersionPermission(RestCall call) throws AwsError {
        LambdaNames.LayerRef layer = ownLayer(call, "lambda:AddLayerVersionPermission");
        long version = LambdaArgs.pathLong(call, "VersionNumber");
        Map<String, Object> input = call.json();
        String statementId = JsonArgs.requiredString(input, "StatementId");
        LambdaNames.check("statementId", statementId, LambdaNames.STATEMENT_ID_PATTERN, 1, 100);
        String action = JsonArgs.requiredString(input, "Action");
        LambdaNames.check("action", action, LambdaNames.LAYER_ACTION_PATTERN, 0, 22);
        String principal = JsonArgs.requiredString(input, "Principal");
        LambdaNames.check("principal", principal, LambdaNames.PRINCIPAL_PATTERN, 0, Integer.MAX_VALUE);
        String organizationId = JsonArgs.optionalString(input, "OrganizationId");
        if (organizationId != null) {
            LambdaNames.check("organizationId", organizationId, LambdaNames.ORGANIZATION_ID_PATTERN, 0, 34);
            if (!principal.equals("*")) {
                throw LambdaErrors.invalidParameter("OrganizationId can only be given with the principal '*'.");
            }
        }
        LayerStore.Added added = layers.addPermission(layer, version,
                new LayerGrant(statementId, principal, organizationId), call.queryParam("RevisionId"));
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("Statement", added.statement());
        output.put("RevisionId", added.revisionId());
        return RestAnswer.json(201, output);
    }

    RestAnswer getLayerVersionPolicy(RestCall call) throws AwsError {
        LambdaNames.LayerRef layer = ownLayer(call, "lambda:GetLayerVersionPolicy");
        LayerStore.Policy policy = layers.policy(layer, LambdaArgs.pathLong(call, "VersionNumber"));
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("Policy", policy.policy());
        output.put("RevisionId", policy.revisionId());
        return RestAnswer.json(200, output);
    }

    RestAnswer removeLayerVersionPermission(RestCall call) throws AwsError {
        LambdaNames.LayerRef layer = ownLayer(call, "lambda:RemoveLayerVersionPermission");
        String statementId = call.pathParam("StatementId");
        LambdaNames.check("statementId", statementId, LambdaNames.STATEMENT_ID_PATTERN, 1, 100);
        layers.removePermission(layer, LambdaArgs.pathLong(call, "VersionNumber"), statementId,
                call.queryParam("RevisionId"));
        return RestAnswer.empty(204);
    }

    /** The LayerName of the call, which must be a layer of the caller's account for {@code action}. */
    private LambdaNames.LayerRef ownLayer(RestCall call, String action) throws AwsError {
        LambdaNames.LayerRef layer = LambdaNames.layer(call.pathParam("LayerName"), layers.region(),
                layers.accountId());
        if (!layer.account().equals(layers.accountId()) || !layer.region().equals(layers.region())) {
            throw LambdaErrors.accessDenied(layers.accountId(), action, layer.arn());
        }
        return layer;
    }

    /** A version the caller may read: its own, or another account's that grants it. */
    private FakeLambda.LayerVersion readable(LambdaNames.LayerRef layer, long version) throws AwsError {
        if (layer.account().equals(layers.accountId())) {
            return layers.get(layer, version);
        }
        return layers.find(layer, version)
                .filter(v -> layers.usableBy(v, layers.accountId()))
                .orElseThrow(() -> LambdaErrors.accessDenied(layers.accountId(), "lambda:GetLayerVersion",
                        layer.versionArn(version)));
    }

    private static boolean matches(FakeLambda.LayerVersion version, RestCall call) {
        String runtime = call.queryParam("CompatibleRuntime");
        String architecture = call.queryParam("CompatibleArchitecture");
        return (runtime == null || version.compatibleRuntimes().contains(runtime))
                && (architecture == null || version.compatibleArchitectures().contains(architecture));
    }

    /** GetLayerVersion's and PublishLayerVersion's output. */
    private Map<String, Object> versionJson(FakeLambda.LayerVersion version) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("Location", layers.location(version));
        content.put("CodeSha256", version.codeSha256());
        content.put("CodeSize", version.codeSize());
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("Content", content);
        output.put("LayerArn", version.layerArn());
        output.put("LayerVersionArn", version.layerVersionArn());
        putDetails(output, version);
        return output;
    }

    /** A LayerVersionsListItem. */
    private static Map<String, Object> listItem(FakeLambda.LayerVersion version) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("LayerVersionArn", version.layerVersionArn());
        putDetails(item, version);
        return item;
    }

    private static void putDetails(Map<String, Object> json, FakeLambda.LayerVersion version) {
        if (version.description() != null) {
            json.put("Description", version.description());
        }
        json.put("CreatedDate", version.createdDate());
        json.put("Version", version.version());
        if (!version.compatibleRuntimes().isEmpty()) {
            json.put("CompatibleRuntimes", version.compatibleRuntimes());
        }
        if (version.licenseInfo() != null) {
            json.put("LicenseInfo", version.licenseInfo());
        }
        if (!version.compatibleArchitectures().isEmpty()) {
            json.put("CompatibleArchitectures", version.compatibleArchitectures());
        }
    }

    private static long parseVersionMarker(String key) throws AwsError {
        try {
            return Long.parseLong(key);
        } catch (NumberFormatException e) {
            throw LambdaErrors.invalidParameter("Invalid marker for ListLayerVersions.");
        }
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }
}
