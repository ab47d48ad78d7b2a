package dev.mtlscli.aws;

import dev.mtlscli.MtlsException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A layer version ARN, arn:PARTITION:lambda:REGION:ACCOUNT:layer:NAME:VERSION, as functions list
 * their layers. {@link #layerArn()} (without the version) identifies the layer across versions.
 */
public record LayerVersionArn(String layerArn, String layerName, String accountId, long version) {
    private static final Pattern ARN = Pattern.compile(
            "(arn:aws[a-z-]*:lambda:[a-z0-9-]+:(\\d{12}):layer:([a-zA-Z0-9_-]+)):(\\d+)");

    public static LayerVersionArn parse(String arn) {
        Matcher matcher = ARN.matcher(arn == null ? "" : arn);
        if (!matcher.matches()) {
            throw new MtlsException("'" + arn + "' is not a Lambda layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)");
        }
        return new LayerVersionArn(matcher.group(1), matcher.group(3), matcher.group(2), Long.parseLong(matcher.group(4)));
    }

    /** Null for an ARN that is not a layer version (Lambda only lists layer versions, but be lenient). */
    public static LayerVersionArn parseOrNull(String arn) {
        Matcher matcher = ARN.matcher(arn == null ? "" : arn);
        return matcher.matches() ? parse(arn) : null;
    }

    public String arn() {
        return layerArn + ":" + version;
    }

    public LayerVersionArn withVersion(long other) {
        return new LayerVersionArn(layerArn, layerName, accountId, other);
    }

    @Override
    public String toString() {
        return arn();
    }
}
