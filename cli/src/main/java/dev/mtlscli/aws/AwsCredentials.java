package dev.mtlscli.aws;

import dev.mtlscli.MtlsException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The credentials every client of one command shares, checked once before the first call. */
final class AwsCredentials {
    private AwsCredentials() {
    }

    /**
     * --profile means that profile and nothing else, as in the AWS CLI; without it, the SDK's
     * default chain (environment, web identity, profile, container, instance role).
     */
    static AwsCredentialsProvider resolve(String profile) {
        AwsCredentialsProvider provider = profile == null
                ? DefaultCredentialsProvider.builder().build()
                : ProfileCredentialsProvider.builder().profileName(profile).build();
        try {
            provider.resolveCredentials();
        } catch (SdkClientException | IllegalStateException e) {
            throw new MtlsException(profile == null
                    ? "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                            + "AWS_PROFILE or --profile, or run with an instance or container role"
                    : "AWS profile '" + profile + "' gives no credentials: " + firstLine(e.getMessage()));
        }
        return provider;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown reason";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
