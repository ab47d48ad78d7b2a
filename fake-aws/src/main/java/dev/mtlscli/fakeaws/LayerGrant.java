package dev.mtlscli.fakeaws;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One statement of a layer version's resource-based policy, as AddLayerVersionPermission adds it,
 * and its rendering in the JSON Lambda returns: an account principal becomes
 * {@code {"AWS":"arn:aws:iam::<account>:root"}}, an organization grant a
 * {@code StringEquals aws:PrincipalOrgID} condition.
 *
 * @param organizationId null unless the principal is {@code *}
 */
record LayerGrant(String statementId, String principal, String organizationId) {
    static final String ACTION = "lambda:GetLayerVersion";

    /** Whether this statement lets {@code account} (a member of {@code organizationId}, or of none) use the layer. */
    boolean allows(String account, String callerOrganization) {
        if (principal.equals("*")) {
            return organizationId == null || organizationId.equals(callerOrganization);
        }
        return principal.equals(account) || principal.equals("arn:aws:iam::" + account + ":root");
    }

    Map<String, Object> statement(String layerVersionArn) {
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Sid", statementId);
        statement.put("Effect", "Allow");
        statement.put("Principal", principal.equals("*") ? "*"
                : Map.of("AWS", principal.startsWith("arn:") ? principal : "arn:aws:iam::" + principal + ":root"));
        statement.put("Action", ACTION);
        statement.put("Resource", layerVersionArn);
        if (organizationId != null) {
            statement.put("Condition", Map.of("StringEquals", Map.of("aws:PrincipalOrgID", organizationId)));
        }
        return statement;
    }

    static String policy(Collection<LayerGrant> grants, String layerVersionArn) {
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("Version", "2012-10-17");
        policy.put("Id", "default");
        policy.put("Statement", grants.stream().map(g -> g.statement(layerVersionArn)).toList());
        return Json.write(policy);
    }

    static boolean anyAllows(List<LayerGrant> grants, String account, String callerOrganization) {
        return grants.stream().anyMatch(g -> g.allows(account, callerOrganization));
    }
}
