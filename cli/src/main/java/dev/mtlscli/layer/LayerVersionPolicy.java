package dev.mtlscli.layer;

import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.json.Json;
import dev.mtlscli.json.JsonObject;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The statements of a layer version's resource policy, read with GetLayerVersionPolicy. */
public final class LayerVersionPolicy {
    private LayerVersionPolicy() {
    }

    /** A statement as Lambda returns it: who (account, "*" with an organization, or "*"). */
    public record Statement(String sid, String principal, String organizationId) {
        public String describe() {
            if (organizationId != null) {
                return "organization " + organizationId;
            }
            return "*".equals(principal) ? "everyone (public)" : "account " + principal;
        }
    }

    /** Statements by sid; empty when the version has no policy. */
    public static Map<String, Statement> read(LambdaClient lambda, String layerName, long version) {
        String policy;
        try {
            policy = lambda.getLayerVersionPolicy(b -> b.layerName(layerName).versionNumber(version)).policy();
        } catch (ResourceNotFoundException e) {
            return Map.of();
        } catch (SdkException e) {
            throw AwsCalls.failure(AwsService.LAMBDA, "GetLayerVersionPolicy " + layerName + ":" + version, e);
        }
        Map<String, Statement> statements = new LinkedHashMap<>();
        JsonObject document = Json.parseObject(policy.getBytes(StandardCharsets.UTF_8), "the policy of " + layerName + ":" + version);
        for (JsonObject statement : document.objects("Statement")) {
            String sid = statement.string("Sid");
            statements.put(sid, new Statement(sid, principal(statement), organization(statement)));
        }
        return statements;
    }

    /** "Principal": "*" or {"AWS": "arn:aws:iam::111122223333:root"} or {"AWS": "111122223333"}. */
    private static String principal(JsonObject statement) {
        Object principal = statement.values().get("Principal");
        if (principal instanceof String text) {
            return text;
        }
        if (principal instanceof Map<?, ?> map && map.get("AWS") instanceof String aws) {
            int colonRoot = aws.indexOf(":root");
            if (aws.startsWith("arn:") && colonRoot > 0) {
                String[] parts = aws.substring(0, colonRoot).split(":");
                return parts[parts.length - 1];
            }
            return aws;
        }
        return String.valueOf(principal);
    }

    /** "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-..."}}. */
    private static String organization(JsonObject statement) {
        JsonObject condition = statement.object("Condition");
        JsonObject equals = condition == null ? null : condition.object("StringEquals");
        if (equals == null) {
            return null;
        }
        Object id = equals.values().get("aws:PrincipalOrgID");
        if (id instanceof String text) {
            return text;
        }
        if (id instanceof List<?> list && !list.isEmpty()) {
            List<String> ids = new ArrayList<>();
            list.forEach(item -> ids.add(String.valueOf(item)));
            return String.join(",", ids);
        }
        return null;
    }
}
