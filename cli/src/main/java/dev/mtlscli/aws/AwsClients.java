package dev.mtlscli.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.acmpca.AcmPcaClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The SDK clients of one command run, built from {@link AwsSettings}: one region, one credential
 * provider and one HTTP client shared by all. Region and credentials are resolved when this is
 * created, so a missing one is reported before anything is called. Clients are built on first use.
 */
public final class AwsClients implements AutoCloseable {
    private final AwsSettings settings;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient httpClient;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private SsmClient ssm;
    private LambdaClient lambda;
    private AcmPcaClient acmPca;

    private AwsClients(AwsSettings settings, Region region, AwsCredentialsProvider credentials) {
        this.settings = settings;
        this.region = region;
        this.credentials = credentials;
        this.httpClient = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(60))
                .build();
    }

    /** Resolves region and credentials; fails with one line naming what is missing. */
    public static AwsClients connect(AwsSettings settings) {
        Region region = AwsRegions.resolve(settings.region(), settings.profile());
        AwsCredentialsProvider credentials = AwsCredentials.resolve(settings.profile());
        return new AwsClients(settings, region, credentials);
    }

    /** The region a command would call, resolved and checked without credentials (for --dry-run). */
    public static Region region(AwsSettings settings) {
        return AwsRegions.resolve(settings.region(), settings.profile());
    }

    public Region region() {
        return region;
    }

    public synchronized SsmClient ssm() {
        if (ssm == null) {
            ssm = track(configure(SsmClient.builder(), AwsService.SSM, RetryMode.STANDARD).build());
        }
        return ssm;
    }

    /**
     * Lambda's control plane throttles per account; adaptive mode slows this client down to the
     * rate that is accepted instead of spending the retry budget on 429s.
     */
    public synchronized LambdaClient lambda() {
        if (lambda == null) {
            lambda = track(configure(LambdaClient.builder(), AwsService.LAMBDA, RetryMode.ADAPTIVE_V2).build());
        }
        return lambda;
    }

    public synchronized AcmPcaClient acmPca() {
        if (acmPca == null) {
            acmPca = track(configure(AcmPcaClient.builder(), AwsService.ACM_PCA, RetryMode.STANDARD).build());
        }
        return acmPca;
    }

    private <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(B builder, AwsService service, RetryMode retryMode) {
        builder.region(region)
                .credentialsProvider(credentials)
                .httpClient(httpClient)
                .overrideConfiguration(o -> o.retryStrategy(retryMode));
        URI endpoint = settings.endpointOf(service);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder;
    }

    private <T extends AutoCloseable> T track(T client) {
        opened.add(client);
        return client;
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable client : opened) {
            try {
                client.close();
            } catch (Exception ignored) {
                // closing releases connections; nothing is lost if one fails
            }
        }
        httpClient.close();
    }
}
