package dev.mtlscli.fakeaws;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's model constraints on names and ARNs (the patterns of the API reference, matched whole),
 * the parsing of layer and function references, and the validation message AWS gives when a
 * request breaks a constraint.
 */
final class LambdaNames {
    static final String LAYER_NAME_PATTERN =
            "(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+";
    static final String LAYER_VERSION_ARN_PATTERN =
            "arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+";
    static final String STATEMENT_ID_PATTERN = "([a-zA-Z0-9-_]+)";
    static final String PRINCIPAL_PATTERN = "\\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root";
    static final String ORGANIZATION_ID_PATTERN = "o-[a-z0-9]{10,32}";
    static final String LAYER_ACTION_PATTERN = "lambda:GetLayerVersion";
    static final String FUNCTION_NAME_PATTERN = "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?"
            + "(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";

    private static final Pattern LAYER_ARN = Pattern.compile(
            "arn:([a-zA-Z0-9-]+):lambda:([a-zA-Z0-9-]+):(\\d{12}):layer:([a-zA-Z0-9-_]+)");
    private static final Pattern LAYER_VERSION_ARN = Pattern.compile(
            "arn:([a-zA-Z0-9-]+):lambda:([a-zA-Z0-9-]+):(\\d{12}):layer:([a-zA-Z0-9-_]+):([0-9]+)");
    private static final Pattern FUNCTION_REF = Pattern.compile(
            "(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\\d{1}):)?(?:(\\d{12}):)?(?:function:)?"
            + "([a-zA-Z0-9-_\\.]+)(?::(\\$LATEST|[a-zA-Z0-9-_]+))?");

    private LambdaNames() {
    }

    /** A layer: the part of a layer version ARN before the version. */
    record LayerRef(String partition, String region, String account, String name) {

        String arn() {
            return "arn:" + partition + ":lambda:" + region + ":" + account + ":layer:" + name;
        }

        String versionArn(long version) {
            return arn() + ":" + version;
        }
    }

    /** A layer version, parsed from its ARN. */
    record LayerVersionRef(LayerRef layer, long version) {

        String arn() {
            return layer.versionArn(version);
        }
    }

    /** A function named by its name, its ARN or a partial ARN, with the optional qualifier. */
    record FunctionRef(String region, String account, String name, String qualifier) {
    }

    /**
     * A LayerName URI parameter or argument: a name (in {@code region} and {@code account}) or a
     * layer ARN, checked against the model's pattern and length.
     */
    static LayerRef layer(String layerName, String region, String account) throws AwsError {
        check("layerName", layerName, LAYER_NAME_PATTERN, 1, 140);
        Matcher arn = LAYER_ARN.matcher(layerName);
        if (arn.matches()) {
            return new LayerRef(arn.group(1), arn.group(2), arn.group(3), arn.group(4));
        }
        return new LayerRef("aws", region, account, layerName);
    }

    /** A layer version ARN, checked against the model's pattern and length under the member name given. */
    static LayerVersionRef layerVersion(String member, String arn) throws AwsError {
        check(member, arn, LAYER_VERSION_ARN_PATTERN, 1, 140);
        Matcher matcher = LAYER_VERSION_ARN.matcher(arn);
        if (!matcher.matches()) {
            throw new IllegalStateException("the pattern check let through " + arn);
        }
        LayerRef layer = new LayerRef(matcher.group(1), matcher.group(2), matcher.group(3), matcher.group(4));
        try {
            return new LayerVersionRef(layer, Long.parseLong(matcher.group(5)));
        } catch (NumberFormatException e) {
            throw LambdaErrors.invalidParameter("Invalid layer version number in " + arn + ".");
        }
    }

    /** Whether an argument is a layer version ARN, without failing when it is not. */
    static boolean isLayerVersionArn(String value) {
        return value != null && value.length() <= 140 && LAYER_VERSION_ARN.matcher(value).matches();
    }

    /** A FunctionName URI parameter (name, ARN or partial ARN), checked against the model. */
    static FunctionRef function(String functionName, int maxLength) throws AwsError {
        check("functionName", functionName, FUNCTION_NAME_PATTERN, 1, maxLength);
        Matcher matcher = FUNCTION_REF.matcher(functionName);
        if (!matcher.matches()) {
            throw new IllegalStateException("the pattern check let through " + functionName);
        }
        return new FunctionRef(matcher.group(1), matcher.group(2), matcher.group(3), matcher.group(4));
    }

    /**
     * Fails the way AWS's request validation does when {@code value} breaks the member's length or
     * pattern constraint: 400 ValidationException, the member named in lower camel case.
     */
    static void check(String member, String value, String pattern, int min, int max) throws AwsError {
        if (value == null) {
            throw violation(member, null, "Member must not be null");
        }
        if (value.length() < min) {
            throw violation(member, value, "Member must have length greater than or equal to " + min);
        }
        if (value.length() > max) {
            throw violation(member, value, "Member must have length less than or equal to " + max);
        }
        if (pattern != null && !value.matches(pattern)) {
            throw violation(member, value, "Member must satisfy regular expression pattern: " + pattern);
        }
    }

    static AwsError violation(String member, Object value, String constraint) {
        String shown = value == null ? "null" : "'" + value + "'";
        return AwsError.validation("1 validation error detected: Value " + shown + " at '" + member
                + "' failed to satisfy constraint: " + constraint);
    }
}
