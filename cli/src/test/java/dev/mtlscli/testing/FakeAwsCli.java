package dev.mtlscli.testing;

import dev.mtlscli.fakeaws.FakeAws;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs mtls-cli against a {@link FakeAws}: the command finds the fake's credentials through the
 * SDK's default chain (the aws.accessKeyId / aws.secretAccessKey system properties, its first
 * link) and is pointed at the fake with --region and --endpoint-url, as a user would point it at
 * a VPC endpoint. The tests' own SDK clients check the results over the wire.
 */
public final class FakeAwsCli {
    static {
        System.setProperty("aws.accessKeyId", FakeAws.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", FakeAws.SECRET_ACCESS_KEY);
    }

    private FakeAwsCli() {
    }

    /** The mtls-cli arguments, followed by --region and --endpoint-url of the fake unless they name their own. */
    public static String[] args(FakeAws aws, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (!all.contains("--region")) {
            all.addAll(List.of("--region", aws.region()));
        }
        if (!all.contains("--endpoint-url")) {
            all.addAll(List.of("--endpoint-url", aws.endpoint().toString()));
        }
        return all.toArray(String[]::new);
    }

    public static Cli.Result run(FakeAws aws, String... args) {
        return Cli.run(args(aws, args));
    }

    public static Cli.Result runOk(FakeAws aws, String... args) {
        return Cli.runOk(args(aws, args));
    }

    public static LambdaClient lambda(FakeAws aws) {
        return lambda(aws, aws.region());
    }

    public static LambdaClient lambda(FakeAws aws, String region) {
        return LambdaClient.builder().endpointOverride(aws.endpoint()).region(Region.of(region))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static SsmClient ssm(FakeAws aws) {
        return SsmClient.builder().endpointOverride(aws.endpoint()).region(Region.of(aws.region()))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static DynamoDbClient dynamoDb(FakeAws aws, String region) {
        return DynamoDbClient.builder().endpointOverride(aws.endpoint()).region(Region.of(region))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** A DynamoDB client that tries each call at most {@code attempts} times, for tests of throttling past the retries. */
    public static DynamoDbClient dynamoDb(FakeAws aws, String region, int attempts) {
        return DynamoDbClient.builder().endpointOverride(aws.endpoint()).region(Region.of(region))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(attempts))).build();
    }

    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY));
    }

    /** The zip of a layer version, downloaded from the Content.Location that GetLayerVersion returns. */
    public static byte[] layerContent(FakeAws aws, String layerName, long version) {
        return layerContent(aws, aws.region(), layerName, version);
    }

    /** The same, of a layer in one of the regions a multi-region fake serves. */
    public static byte[] layerContent(FakeAws aws, String region, String layerName, long version) {
        try (LambdaClient lambda = lambda(aws, region)) {
            String location = lambda.getLayerVersion(b -> b.layerName(layerName).versionNumber(version)).content().location();
            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(location)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("download of " + layerName + ":" + version + " gave HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
