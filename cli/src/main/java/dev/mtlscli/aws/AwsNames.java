package dev.mtlscli.aws;

import dev.mtlscli.MtlsException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shapes AWS accepts for the names and ids we send, checked before any call so that a typo
 * is one clear line instead of a ValidationException after a round trip (or a half-done run).
 */
public final class AwsNames {
    /** LayerName in the Lambda API reference: [a-zA-Z0-9-_]+, 1 to 140 characters. */
    private static final Pattern EVENT_BUS = Pattern.compile(
            "(arn:aws[a-z-]*:events:[a-z]{2}(-[a-z]+)+-\\d:\\d{12}:event-bus/)?[/._A-Za-z0-9-]{1,256}");
    private static final Pattern LAYER_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,140}");
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern ORGANIZATION_ID = Pattern.compile("o-[a-z0-9]{10,32}");
    private static final Pattern CA_ARN = Pattern.compile(
            "arn:(aws[a-z-]*):acm-pca:([a-z0-9-]+):(\\d{12}):certificate-authority/([0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})");
    /** KMS accepts a key id, an alias, or the ARN of either. */
    private static final Pattern KMS_KEY = Pattern.compile(
            "[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias/[a-zA-Z0-9/_-]{1,250}"
                    + "|arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:(key/[0-9a-zA-Z-]+|alias/[a-zA-Z0-9/_-]+)");
    /**
     * An IAM role as it follows "role/" in its ARN: an optional path (segments of the name's
     * characters, 512 characters at most with its slashes) and the name, 1 to 64 of
     * letters, digits and +=,.@_-. IAM allows more characters in a path; these are the ones a
     * path is made of in practice, and none of them means anything else inside an ARN.
     */
    private static final Pattern ROLE = Pattern.compile("((?:[\\w+=,.@-]+/)*)([\\w+=,.@-]{1,64})");
    /** SSM parameter names: letters, digits and .-_/ ; a hierarchy starts with '/'. */
    private static final Pattern PARAMETER_PREFIX = Pattern.compile("/([a-zA-Z0-9_.-]+/)*");

    private AwsNames() {
    }

    public static String layerName(String name) {
        if (name == null || !LAYER_NAME.matcher(name).matches()) {
            throw new MtlsException("invalid layer name '" + name
                    + "': Lambda allows 1 to 140 letters, digits, '-' and '_'");
        }
        return name;
    }

    public static String accountId(String id) {
        if (!ACCOUNT_ID.matcher(id).matches()) {
            throw new MtlsException("invalid AWS account id '" + id + "': expected 12 digits");
        }
        return id;
    }

    /** A role name, or path/name (a leading '/' of the path may be given): returned as path/name without it. */
    public static String roleName(String role) {
        String relative = role.startsWith("/") ? role.substring(1) : role;
        Matcher matcher = ROLE.matcher(relative);
        if (!matcher.matches() || matcher.group(1).length() + 1 > 512) {
            throw new MtlsException("invalid role name '" + role + "': expected NAME or PATH/NAME, the name 1 to 64 letters, "
                    + "digits and +=,.@_- (e.g. ops/mtls-rotator)");
        }
        return relative;
    }

    public static String organizationId(String id) {
        if (!ORGANIZATION_ID.matcher(id).matches()) {
            throw new MtlsException("invalid AWS Organizations id '" + id + "': expected o- and 10 to 32 lower-case letters or digits");
        }
        return id;
    }

    public static String kmsKeyId(String key) {
        if (!KMS_KEY.matcher(key).matches()) {
            throw new MtlsException("invalid KMS key '" + key + "': expected a key id, alias/NAME, or a key or alias ARN");
        }
        return key;
    }

    /** An EventBridge bus, by name or ARN, as PutEvents's EventBusName takes it. */
    public static String eventBus(String bus) {
        if (!EVENT_BUS.matcher(bus).matches()) {
            throw new MtlsException("invalid EventBridge bus '" + dev.mtlscli.TerminalText.escape(bus)
                    + "': expected a bus name (letters, digits, / . - _; 'default' for the account's) or an event-bus ARN");
        }
        return bus;
    }

    /** A parameter path prefix such as /mtls/service-1/: starts and ends with '/'. */
    public static String parameterPrefix(String prefix) {
        if (prefix.length() > 900 || !PARAMETER_PREFIX.matcher(prefix).matches()) {
            throw new MtlsException("invalid SSM parameter prefix '" + prefix
                    + "': expected a path such as /mtls/service-1/ (letters, digits, . - _ between slashes)");
        }
        if (prefix.regionMatches(true, 1, "aws", 0, 3) || prefix.regionMatches(true, 1, "ssm", 0, 3)) {
            throw new MtlsException("invalid SSM parameter prefix '" + prefix + "': names may not begin with aws or ssm");
        }
        return prefix;
    }

    /** An ACM Private CA ARN; its region must be the one the command calls. */
    public static CaArn caArn(String arn) {
        Matcher matcher = CA_ARN.matcher(arn == null ? "" : arn);
        if (!matcher.matches()) {
            throw new MtlsException("invalid ACM Private CA ARN '" + arn
                    + "': expected arn:aws:acm-pca:REGION:ACCOUNT:certificate-authority/UUID");
        }
        return new CaArn(arn, matcher.group(2), matcher.group(3));
    }

    public record CaArn(String arn, String region, String accountId) {
    }
}
