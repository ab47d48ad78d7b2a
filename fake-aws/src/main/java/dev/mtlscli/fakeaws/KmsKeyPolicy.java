package dev.mtlscli.fakeaws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A key policy: parsed and checked when it is set (MalformedPolicyDocumentException, as KMS
 * answers), and evaluated for each call on the key. A call is allowed when an Allow statement
 * matches its action, the caller and the key, and no Deny statement does: an explicit deny wins,
 * and nothing allowed is an implicit deny.
 *
 * <p>Actions match as IAM matches them: case-insensitively, {@code *} and {@code ?} as
 * wildcards. Conditions are not evaluated: a statement with a Condition never allows, and a Deny
 * with a Condition always denies, so the fake errs on the side of refusing.
 */
final class KmsKeyPolicy {
    /** KMS's limit on a key policy document, in characters. */
    static final int MAX_LENGTH = 32_768;

    enum Decision {
        ALLOW, IMPLICIT_DENY, EXPLICIT_DENY
    }

    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern IAM_PRINCIPAL = Pattern.compile(
            "arn:aws:(iam::\\d{12}:(root|role/.+|user/.+)|sts::\\d{12}:assumed-role/[^/]+/.+)");

    private record Statement(boolean allow, List<Pattern> actions, List<String> principals, List<Pattern> resources,
                             boolean conditional) {

        boolean matches(String action, KmsCaller caller, String keyArn) {
            return actions.stream().anyMatch(p -> p.matcher(action).matches())
                    && principals.stream().anyMatch(caller::isNamedBy)
                    && resources.stream().anyMatch(p -> p.matcher(keyArn).matches());
        }
    }

    private final String text;
    private final List<Statement> statements;

    private KmsKeyPolicy(String text, List<Statement> statements) {
        this.text = text;
        this.statements = List.copyOf(statements);
    }

    /** The policy KMS gives a key created without one: the account decides, through IAM, for everything. */
    static String defaultText(String account) {
        return "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {\n"
                + "    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n"
                + "    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::" + account + ":root\"\n    },\n"
                + "    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}";
    }

    static KmsKeyPolicy parse(String text) throws AwsError {
        if (text.length() > MAX_LENGTH) {
            throw AwsError.validation("1 validation error detected: Value at 'policy' failed to satisfy constraint:"
                    + " Member must have length less than or equal to " + MAX_LENGTH);
        }
        Map<String, Object> document;
        try {
            document = Json.parseObject(text);
        } catch (IllegalArgumentException e) {
            throw malformed("The policy is not valid JSON.");
        }
        Object statementValue = document.get("Statement");
        List<?> raw = statementValue instanceof List<?> list ? list
                : statementValue instanceof Map<?, ?> ? List.of(statementValue) : null;
        if (raw == null || raw.isEmpty()) {
            throw malformed("The policy has no Statement.");
        }
        List<Statement> statements = new ArrayList<>();
        for (Object item : raw) {
            if (!(item instanceof Map<?, ?> statement)) {
                throw malformed("A Statement is not an object.");
            }
            statements.add(statement(statement));
        }
        return new KmsKeyPolicy(text, statements);
    }

    private static Statement statement(Map<?, ?> statement) throws AwsError {
        Object effect = statement.get("Effect");
        if (!"Allow".equals(effect) && !"Deny".equals(effect)) {
            throw malformed("A statement's Effect must be Allow or Deny, not " + effect + ".");
        }
        List<String> actions = strings(statement.get("Action"), "Action");
        List<String> resources = strings(statement.get("Resource"), "Resource");
        return new Statement("Allow".equals(effect), actions.stream().map(KmsKeyPolicy::wildcard).toList(),
                principals(statement.get("Principal")), resources.stream().map(KmsKeyPolicy::wildcard).toList(),
                statement.get("Condition") != null);
    }

    /** The AWS principals of a statement; service principals name no caller of the fake. */
    private static List<String> principals(Object principal) throws AwsError {
        if ("*".equals(principal)) {
            return List.of("*");
        }
        if (!(principal instanceof Map<?, ?> map) || map.isEmpty()) {
            throw malformed("Policy contains a statement with no principal.");
        }
        if (map.get("AWS") == null) {
            return List.of();
        }
        List<String> principals = strings(map.get("AWS"), "Principal.AWS");
        for (String value : principals) {
            if (!value.equals("*") && !ACCOUNT.matcher(value).matches() && !IAM_PRINCIPAL.matcher(value).matches()) {
                throw malformed("Policy contains a statement with one or more invalid principals.");
            }
        }
        return principals;
    }

    private static List<String> strings(Object value, String member) throws AwsError {
        if (value instanceof String text) {
            return List.of(text);
        }
        if (value instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw malformed("Policy contains a statement with no " + member + " (or one that is not a string or a list of strings).");
    }

    private static Pattern wildcard(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }

    private static AwsError malformed(String message) {
        return AwsError.badRequest("MalformedPolicyDocumentException", message);
    }

    String text() {
        return text;
    }

    /** Whether {@code caller} may do {@code action} (e.g. {@code kms:Sign}) on the key {@code keyArn}. */
    Decision decide(String action, KmsCaller caller, String keyArn) {
        boolean allowed = false;
        for (Statement statement : statements) {
            if (!statement.matches(action, caller, keyArn)) {
                continue;
            }
            if (!statement.allow()) {
                return Decision.EXPLICIT_DENY;
            }
            allowed |= !statement.conditional();
        }
        return allowed ? Decision.ALLOW : Decision.IMPLICIT_DENY;
    }
}
