package dev.mtlscli.fakeaws;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.lambda.LambdaClient;

/** The real LambdaClient pointed at a fake, and small layer archives, for the Lambda wire tests. */
final class LambdaWire {
    /** Short so that retry tests stay fast; the retry decisions are the SDK's standard mode's own. */
    static final Duration BACKOFF = Duration.ofMillis(5);

    private LambdaWire() {
    }

    static LambdaClient client(FakeAws aws) {
        return client(aws, FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY);
    }

    /** A client in the SDK's standard retry mode (3 attempts, throttling retried), with a short fixed backoff. */
    static LambdaClient client(FakeAws aws, String accessKeyId, String secretAccessKey) {
        RetryStrategy standard = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .backoffStrategy(BackoffStrategy.fixedDelayWithoutJitter(BACKOFF))
                .throttlingBackoffStrategy(BackoffStrategy.fixedDelayWithoutJitter(BACKOFF))
                .build();
        return LambdaClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .region(Region.US_EAST_1)
                .endpointOverride(aws.endpoint())
                .overrideConfiguration(o -> o.retryStrategy(standard))
                .build();
    }

    /** A client that never retries, signing for {@code region}: each call is one request, its answer as the fake gave it. */
    static LambdaClient withoutRetries(FakeAws aws, String region) {
        return LambdaClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY)))
                .region(Region.of(region))
                .endpointOverride(aws.endpoint())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** A zip archive holding these entries (name to UTF-8 text). */
    static byte[] zip(Map<String, String> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A one-entry layer archive whose manifest names {@code service}. */
    static byte[] layerZip(String service) {
        return zip(Map.of("mtls/" + service + "/manifest.json", "{\"service\":\"" + service + "\"}"));
    }
}
