package dev.mtlscli.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.acmpca.AcmPcaClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ram.RamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.lambda.LambdaClientBuilder;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SDK clients of one command run, built from {@link AwsSettings}: one region, one credential
 * provider and one HTTP client shared by all. Region and credentials are resolved when this is
 * created, so a missing one is reported before anything is called. Clients are built on first use.
 */
public final class AwsClients implements AutoCloseable {
    private static final Duration LAMBDA_THROTTLING_BASE_DELAY = Duration.ofMillis(100);
    private static final Duration LAMBDA_MAX_BACKOFF = Duration.ofSeconds(20);
    private static final int LAMBDA_MAX_ATTEMPTS = 8;

    private final AwsSettings settings;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient httpClient;
    private final ControlPlaneRateLimiter limiter;
    // null: the caller's own account, whose id is not looked up for this
    private final String account;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private SsmClient ssm;
    private LambdaClient lambda;
    private final Map<Region, AcmPcaClient> acmPca = new HashMap<>();
    private StsClient sts;
    private final Map<Region, KmsClient> kms = new HashMap<>();
    private EventBridgeClient events;
    private RamClient ram;
    private DynamoDbClient dynamoDb;
    private Runnable beforeChange;

    private AwsClients(AwsSettings settings, Region region, AwsCredentialsProvider credentials,
                       ControlPlaneRateLimiter limiter, String account) {
        this.settings = settings;
        this.region = region;
        this.credentials = credentials;
        this.limiter = limiter;
        this.account = account;
        this.httpClient = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(60))
                .build();
    }

    /**
     * Resolves region and credentials; fails with one line naming what is missing. Lambda calls
     * keep to the default rates ({@link LambdaRates#DEFAULT}).
     */
    public static AwsClients connect(AwsSettings settings) {
        return connect(settings, ControlPlaneRateLimiter.of(LambdaRates.DEFAULT));
    }

    /**
     * As {@link #connect(AwsSettings)}, with the Lambda calls of these clients, and of those made
     * from them for other accounts, counted by {@code limiter}: clients of the same run share one,
     * so that an account-region is limited however many clients reach it.
     */
    public static AwsClients connect(AwsSettings settings, ControlPlaneRateLimiter limiter) {
        EndpointSecurity.check(settings, System.getenv());
        Region region = AwsRegions.resolve(settings.region(), settings.profile());
        AwsCredentialsProvider credentials = AwsCredentials.resolve(settings.profile());
        return new AwsClients(settings, region, credentials, limiter, null);
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
            ssm = track(guarded(configure(SsmClient.builder(), AwsService.SSM, RetryMode.STANDARD)).build());
        }
        return ssm;
    }

    /**
     * Lambda's control plane throttles per account, and a rotation of a fleet meets that as a
     * share of throttled calls: the SDK's standard mode, with more attempts (8) and a shorter
     * first throttling backoff (100 ms instead of 1 s, still exponential to 20 s with jitter).
     * Adaptive mode was measured and rejected: its shared client-side rate limiter cut the send
     * rate at every 429 and a 500-function rotation with 5 % throttled calls took 50x the ideal
     * time instead of 2x (docs/benchmarks.md, "Rotation of 500 functions"). What keeps the calls
     * under the quota is the fixed-rate {@link ControlPlaneRateLimiter} of this account-region;
     * the retries are for the throttling other callers of the account cause.
     */
    public synchronized LambdaClient lambda() {
        if (lambda == null) {
            LambdaClientBuilder builder = configure(LambdaClient.builder(), AwsService.LAMBDA, RetryMode.STANDARD);
            builder.overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                    .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(LAMBDA_THROTTLING_BASE_DELAY, LAMBDA_MAX_BACKOFF))
                    .maxAttempts(LAMBDA_MAX_ATTEMPTS)
                    .build())
                    .addExecutionInterceptor(new LambdaRateLimitInterceptor(limiter, account, region.id())));
            lambda = track(guarded(builder).build());
        }
        return lambda;
    }

    public AcmPcaClient acmPca() {
        return acmPca(region);
    }

    /** ACM Private CA of a given region: a Private CA issues in its own region, as a KMS key signs in its own. */
    public synchronized AcmPcaClient acmPca(Region caRegion) {
        return acmPca.computeIfAbsent(caRegion,
                r -> track(guarded(configure(AcmPcaClient.builder(), AwsService.ACM_PCA, RetryMode.STANDARD)).region(r).build()));
    }

    public KmsClient kms() {
        return kms(region);
    }

    /**
     * KMS of a given region: a KMS key is used in its own region, which for a workspace's CA key
     * need not be the region a command's Lambda calls go to.
     */
    public synchronized KmsClient kms(Region keyRegion) {
        return kms.computeIfAbsent(keyRegion,
                r -> track(guarded(configure(KmsClient.builder(), AwsService.KMS, RetryMode.STANDARD)).region(r).build()));
    }

    public synchronized StsClient sts() {
        if (sts == null) {
            sts = track(configure(StsClient.builder(), AwsService.STS, RetryMode.STANDARD).build());
        }
        return sts;
    }

    /**
     * EventBridge, where releases are announced. Guarded like the clients that change things: an
     * announcement by a run that has lost its lease would tell consumers of a release it no
     * longer owns.
     */
    public synchronized EventBridgeClient events() {
        if (events == null) {
            events = track(guarded(configure(EventBridgeClient.builder(), AwsService.EVENTS, RetryMode.STANDARD)).build());
        }
        return events;
    }

    /** AWS RAM, through which a release parameter is shared; guarded, as a share is a change. */
    public synchronized RamClient ram() {
        if (ram == null) {
            ram = track(guarded(configure(RamClient.builder(), AwsService.RAM, RetryMode.STANDARD)).build());
        }
        return ram;
    }

    /** DynamoDB, where the rotation lease is kept; never guarded by {@link #guardChanges}: it is the lease. */
    public synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = track(configure(DynamoDbClient.builder(), AwsService.DYNAMODB, RetryMode.STANDARD).build());
        }
        return dynamoDb;
    }

    /**
     * Runs {@code check} before every call of these clients' SSM, Lambda, ACM PCA and KMS (and of the
     * clients {@link #inAccount} makes from them) that may change something; it throws to stop
     * the call. Set before those clients are first used.
     */
    public synchronized void guardChanges(Runnable check) {
        if (ssm != null || lambda != null || !acmPca.isEmpty() || !kms.isEmpty() || events != null || ram != null) {
            throw new IllegalStateException("guardChanges after a client was built");
        }
        this.beforeChange = check;
    }

    /** Organizations is global: its one endpoint is signed for us-east-1 whatever the command's region. */
    public OrganizationsClient organizations() {
        return track(configure(OrganizationsClient.builder(), AwsService.ORGANIZATIONS, RetryMode.STANDARD)
                .region(Region.AWS_GLOBAL).build());
    }

    /**
     * Clients of the same region acting in another account through the role {@code roleName} there,
     * assumed with these clients' credentials. The SDK's provider keeps one session per account
     * and refreshes it before it expires.
     */
    public AwsClients inAccount(String account, String roleName) {
        StsAssumeRoleCredentialsProvider assumed = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts())
                .refreshRequest(request -> request.roleArn("arn:aws:iam::" + account + ":role/" + roleName).roleSessionName("mtls-cli"))
                .build();
        AwsClients clients = new AwsClients(settings, region, assumed, limiter, account);
        clients.beforeChange = beforeChange;
        clients.opened.add(assumed);
        return clients;
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

    private <B extends AwsClientBuilder<B, ?>> B guarded(B builder) {
        if (beforeChange != null) {
            builder.overrideConfiguration(builder.overrideConfiguration().toBuilder().addExecutionInterceptor(new ChangeGuard(beforeChange)).build());
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
