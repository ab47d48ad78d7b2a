package dev.mtlscli.aws;

/**
 * The region and account fields of an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:...), for the
 * fleet commands that group functions and layers by where they live.
 */
public final class Arns {
    private static final int REGION = 3;
    private static final int ACCOUNT = 4;

    private Arns() {
    }

    /** The account of the ARN, or null when it has none (or is null). */
    public static String account(String arn) {
        return field(arn, ACCOUNT);
    }

    /** The region of the ARN, or null when it has none (or is null). */
    public static String region(String arn) {
        return field(arn, REGION);
    }

    private static String field(String arn, int index) {
        if (arn == null) {
            return null;
        }
        String[] parts = arn.split(":", index + 2);
        return parts.length > index && !parts[index].isEmpty() ? parts[index] : null;
    }
}
