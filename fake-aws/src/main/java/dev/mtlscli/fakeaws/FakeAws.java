package dev.mtlscli.fakeaws;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake AWS endpoint on loopback (plain HTTP) for wire tests: the real SDK clients, pointed at
 * {@link #endpoint()} with {@code endpointOverride} and the {@link #ACCESS_KEY_ID} /
 * {@link #SECRET_ACCESS_KEY} credentials, talk to it in the real protocol. Every request must be
 * SigV4-signed with those credentials for the fake's region. Serves SSM Parameter Store
 * ({@link #ssm()}), ACM Private CA ({@link #acmPca()}), KMS ({@link #kms()}), DynamoDB
 * ({@link #dynamoDb()}) and Lambda ({@link #lambda()}), records every
 * request ({@link #requests()}, each with the time it was answered), injects faults
 * ({@link #failNext}, {@link #delayNext}, {@link #latency}, {@link #throttleEvery},
 * {@link #holdRegion}), and enforces Lambda's control-plane quotas when asked
 * ({@link #enforceLambdaQuotas}).
 *
 * <p>SSM, ACM PCA, KMS and DynamoDB speak AWS JSON ({@code POST /}); Lambda speaks REST-JSON under its own path
 * prefixes ({@code /2018-10-31/} layers, {@code /2015-03-31/} functions, {@code /2017-03-31/}
 * tags), which the server routes by longest prefix. A layer version's Content.Location points at
 * {@code /_content/} on the fake, where a plain unsigned GET downloads the archive.
 *
 * <pre>{@code
 * try (FakeAws aws = FakeAws.start()) {
 *     aws.ssm().put("/mtls/svc/keystore-password", "secret", true);
 *     SsmClient ssm = SsmClient.builder().endpointOverride(aws.endpoint()) ... .build();
 * }
 * }</pre>
 */
public final class FakeAws implements AutoCloseable {
    public static final String ACCESS_KEY_ID = "AKIDFAKEAWS000000000";
    public static final String SECRET_ACCESS_KEY = "fake-secret-access-key";
    public static final String DEFAULT_REGION = "us-east-1";
    public static final String ACCOUNT_ID = "123456789012";

    /** The organization of a fleet fake: the home account manages it, every account is in it. */
    public static final String ORGANIZATION_ID = "o-fakeaws0001";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String region;
    private final List<String> accounts;
    private final Map<String, Partition> partitions = new LinkedHashMap<>();
    private final FakeIam iam = new FakeIam();
    private final Faults faults = new Faults();
    private final List<RecordedRequest> recorded = new CopyOnWriteArrayList<>();
    private final Clock clock;

    /** One account's region: its Parameter Store, Private CA, Lambda and KMS, as separate as AWS keeps them. */
    private record Partition(FakeSsm ssm, FakeAcmPca acmPca, FakeLambda lambda, FakeKms kms, FakeDynamoDb dynamoDb,
                             FakeEventBridge eventBridge, FakeRam ram) {
    }

    private FakeAws(List<String> regions, List<String> accounts, Clock clock) throws IOException {
        this.region = regions.get(0);
        this.accounts = List.copyOf(accounts);
        this.clock = clock;
        Map<String, List<JsonTargetService>> jsonServices = new LinkedHashMap<>();
        Map<String, RestJsonService> lambdaServices = new LinkedHashMap<>();
        Map<String, RestJsonService> ramServices = new LinkedHashMap<>();
        List<LayerStore> layerStores = new ArrayList<>();
        OrganizationsService organizations = new OrganizationsService(ORGANIZATION_ID, ACCOUNT_ID, accounts);
        for (String account : accounts) {
            for (String served : regions) {
                FakeSsm ssm = new FakeSsm(served, account, clock);
                Partition partition = new Partition(ssm, new FakeAcmPca(served, account, clock),
                        new FakeLambda(served, account, clock, this::endpoint), new FakeKms(served, account, clock),
                        new FakeDynamoDb(served, account, clock), new FakeEventBridge(served, account, clock),
                        new FakeRam(served, account, clock, ssm));
                String key = JsonProtocolHandler.key(account, served);
                partitions.put(key, partition);
                jsonServices.put(key, List.of(new SsmService(partition.ssm()), new AcmPcaService(partition.acmPca()),
                        new KmsService(partition.kms()), new DynamoDbService(partition.dynamoDb()), new EventBridgeService(partition.eventBridge()),
                        organizations));
                lambdaServices.put(key, new LambdaService(partition.lambda()));
                ramServices.put(key, new RamService(partition.ram()));
                layerStores.add(partition.lambda().layerStore());
                if (accounts.size() > 1) {
                    partition.lambda().callerOrganization(ORGANIZATION_ID);
                }
            }
        }
        // a function uses a layer of another account of the same region, if that account granted it
        for (Partition partition : partitions.values()) {
            partition.lambda().layerStores(layer -> {
                Partition owner = partitions.get(JsonProtocolHandler.key(layer.account(), layer.region()));
                return owner == null ? null : owner.lambda().layerStore();
            });
            // a key ARN of another account of the same region names that account's key; its policy decides
            String served = partition.kms().region();
            partition.kms().otherAccounts(account -> {
                Partition owner = partitions.get(JsonProtocolHandler.key(account, served));
                return owner == null ? null : owner.kms();
            });
        }
        FakeIdentities identities = new FakeIdentities();
        identities.addLongTerm(ACCESS_KEY_ID, SECRET_ACCESS_KEY, ACCOUNT_ID);
        SigV4Verifier verifier = new SigV4Verifier(identities, Set.copyOf(regions), clock);
        JsonProtocolHandler handler = new JsonProtocolHandler(jsonServices, verifier, faults, this::record);
        handler.sts(new StsQueryHandler(verifier, identities, iam, faults, clock, this::record));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newCachedThreadPool(daemonThreads());
        server.createContext("/", handler);
        RestJsonHandler lambdaHandler = new RestJsonHandler(lambdaServices, verifier, faults, this::record);
        LambdaService.PATH_PREFIXES.forEach(prefix -> server.createContext(prefix, lambdaHandler));
        RestJsonHandler ramHandler = new RestJsonHandler(ramServices, verifier, faults, this::record);
        RamService.PATHS.forEach(path -> server.createContext(path, ramHandler));
        server.createContext(LayerStore.CONTENT_PATH, new LayerContentHandler(layerStores, this::record));
        server.setExecutor(executor);
        server.start();
    }

    /** Starts a fake for {@value #DEFAULT_REGION} on an ephemeral port of 127.0.0.1. */
    public static FakeAws start() {
        return start(DEFAULT_REGION);
    }

    /** Starts a fake that accepts signatures scoped to {@code region}. */
    public static FakeAws start(String region) {
        return start(region, Clock.systemUTC());
    }

    /**
     * Starts one endpoint for several regions, as a test of a multi-region command needs: each
     * request reads and changes the state of the region its SigV4 credential scope names, and a
     * region not listed is refused. The first is the fake's home region ({@link #ssm()} etc.).
     */
    public static FakeAws startRegions(String region, String... moreRegions) {
        List<String> regions = new ArrayList<>();
        regions.add(region);
        regions.addAll(List.of(moreRegions));
        return start(regions, Clock.systemUTC());
    }

    static FakeAws start(String region, Clock clock) {
        return start(List.of(region), clock);
    }

    /** {@link #startRegions} on a clock of the test's. */
    static FakeAws start(List<String> regions, Clock clock) {
        return start(regions, List.of(ACCOUNT_ID), clock);
    }

    /**
     * A fleet: the home account ({@value #ACCOUNT_ID}, whose {@link #ACCESS_KEY_ID} signs) and
     * member accounts, each with its own state in each region. The home account manages the
     * organization {@value #ORGANIZATION_ID} of all of them (Organizations ListAccounts). A
     * member account is reached with STS AssumeRole of a role created with {@link #iam()}.
     */
    public static FakeAws startFleet(List<String> regions, List<String> memberAccounts) {
        List<String> accounts = new ArrayList<>();
        accounts.add(ACCOUNT_ID);
        accounts.addAll(memberAccounts);
        return start(regions, accounts, Clock.systemUTC());
    }

    private static FakeAws start(List<String> regions, List<String> accounts, Clock clock) {
        if (Set.copyOf(regions).size() != regions.size() || Set.copyOf(accounts).size() != accounts.size()) {
            throw new IllegalArgumentException("a region or account named twice: " + regions + " " + accounts);
        }
        try {
            return new FakeAws(regions, accounts, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start fake-aws on loopback", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}, for {@code endpointOverride}. */
    public URI endpoint() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    public String region() {
        return region;
    }

    /** The Parameter Store state of the home region, to seed and to inspect. */
    public FakeSsm ssm() {
        return ssm(region);
    }

    /** The Parameter Store state of one of the regions served, of the home account. */
    public FakeSsm ssm(String servedRegion) {
        return partition(ACCOUNT_ID, servedRegion).ssm();
    }

    /** The Parameter Store state of an account's region. */
    public FakeSsm ssm(String account, String servedRegion) {
        return partition(account, servedRegion).ssm();
    }

    /** The ACM Private CA state: its CAs (seeded with {@link FakeAcmPca#createRootCa}) and what they issued. */
    public FakeAcmPca acmPca() {
        return acmPca(region);
    }

    /** The ACM Private CA state of one of the regions served, of the home account: each region has its own CAs. */
    public FakeAcmPca acmPca(String servedRegion) {
        return partition(ACCOUNT_ID, servedRegion).acmPca();
    }

    /** The Lambda state of the home region: layers, functions, and how Invoke and function updates behave. */
    public FakeLambda lambda() {
        return lambda(region);
    }

    /** The Lambda state of one of the regions served, of the home account. */
    public FakeLambda lambda(String servedRegion) {
        return partition(ACCOUNT_ID, servedRegion).lambda();
    }

    /** The Lambda state of an account's region. */
    public FakeLambda lambda(String account, String servedRegion) {
        return partition(account, servedRegion).lambda();
    }

    /** The KMS state of the home region: keys (seeded with {@link FakeKms#createKey}), policies, what was signed. */
    public FakeKms kms() {
        return kms(region);
    }

    /** The KMS state of one of the regions served, of the home account: each region has its own keys. */
    public FakeKms kms(String servedRegion) {
        return partition(ACCOUNT_ID, servedRegion).kms();
    }

    /** The KMS state of an account's region. */
    public FakeKms kms(String account, String servedRegion) {
        return partition(account, servedRegion).kms();
    }

    /** The DynamoDB state of the home region: tables (seeded with {@link FakeDynamoDb#createTable}) and their items. */
    public FakeDynamoDb dynamoDb() {
        return dynamoDb(region);
    }

    /** The DynamoDB state of one of the regions served, of the home account: each region has its own tables. */
    public FakeDynamoDb dynamoDb(String servedRegion) {
        return partition(ACCOUNT_ID, servedRegion).dynamoDb();
    }

    /** The DynamoDB state of an account's region. */
    public FakeDynamoDb dynamoDb(String account, String servedRegion) {
        return partition(account, servedRegion).dynamoDb();
    }

    /** The EventBridge state of the home account's home region: its buses and the events put on them. */
    public FakeEventBridge eventBridge() {
        return eventBridge(ACCOUNT_ID, region);
    }

    /** The EventBridge state of an account's region. */
    public FakeEventBridge eventBridge(String account, String servedRegion) {
        return partition(account, servedRegion).eventBridge();
    }

    /** The RAM state of the home account's home region: its resource shares. */
    public FakeRam ram() {
        return ram(ACCOUNT_ID, region);
    }

    /** The RAM state of an account's region. */
    public FakeRam ram(String account, String servedRegion) {
        return partition(account, servedRegion).ram();
    }

    /** The roles STS AssumeRole checks. */
    public FakeIam iam() {
        return iam;
    }

    /** The regions served, the home region first. */
    public List<String> regions() {
        return partitions.keySet().stream().filter(key -> key.startsWith(ACCOUNT_ID + "/"))
                .map(key -> key.substring(key.indexOf('/') + 1)).toList();
    }

    /** The accounts, the home account first. */
    public List<String> accounts() {
        return accounts;
    }

    private Partition partition(String account, String servedRegion) {
        Partition partition = partitions.get(JsonProtocolHandler.key(account, servedRegion));
        if (partition == null) {
            throw new IllegalArgumentException("fake-aws serves " + partitions.keySet() + ", not " + account + "/" + servedRegion);
        }
        return partition;
    }

    private void record(RecordedRequest request) {
        recorded.add(request.at(clock.instant()));
    }

    /** Every request received so far, in the order they were answered, each with the time it was answered. */
    public List<RecordedRequest> requests() {
        return List.copyOf(recorded);
    }

    /** The requests received so far for one operation, e.g. {@code "GetParameters"}. */
    public List<RecordedRequest> requests(String operation) {
        return recorded.stream().filter(r -> operation.equals(r.operation())).toList();
    }

    public void clearRequests() {
        recorded.clear();
    }

    /**
     * Makes the next request for {@code operation} (after its signature is checked) fail with this
     * status and AWS error type, e.g. {@code failNext("GetParameters", 400, "ThrottlingException")}.
     * Calls queue: each failure is used by one request.
     */
    public void failNext(String operation, int httpStatus, String awsErrorType) {
        failNext(operation, httpStatus, awsErrorType, "Injected by fake-aws: " + awsErrorType);
    }

    public void failNext(String operation, int httpStatus, String awsErrorType, String message) {
        if (httpStatus < 400 || httpStatus > 599) {
            throw new IllegalArgumentException("an error status is 4xx or 5xx: " + httpStatus);
        }
        faults.failNext(operation, new AwsError(httpStatus, awsErrorType, message));
    }

    /** Makes the next request for {@code operation} wait this long (at most 30 s) before it is answered. */
    public void delayNext(String operation, Duration delay) {
        faults.delayNext(operation, delay);
    }

    /**
     * Makes every request, of every operation, wait this long (at most 30 s) before it is
     * answered, as a remote endpoint would; {@link Duration#ZERO} turns it off.
     */
    public void latency(Duration latency) {
        faults.latency(latency);
    }

    /**
     * Throttles the n-th, 2n-th, ... request of {@code operation} (after its signature is checked)
     * with the service's throttling error: 429 TooManyRequestsException for Lambda, 400
     * ThrottlingException for the JSON services. {@code n = 20} throttles 5% of the calls, the same
     * ones on every run; {@code n = 1} throttles them all; {@code n = 0} turns it off.
     */
    public void throttleEvery(String operation, int n) {
        faults.throttleEvery(operation, n);
    }

    /** {@link #throttleEvery(String, int)} for every operation, each counted on its own. */
    public void throttleEvery(int n) {
        faults.throttleEvery(null, n);
    }

    /**
     * Enforces (true) or stops enforcing (false) Lambda's control-plane request quotas in every
     * account and region served, each account-region with its own: GetFunction 100 requests per
     * second, GetPolicy 15, all other control-plane operations 15 together, Invoke not counted
     * (see {@link FakeLambda#enforceQuotas}). Off by default.
     */
    public void enforceLambdaQuotas(boolean on) {
        partitions.values().forEach(partition -> partition.lambda().enforceQuotas(on));
    }

    /**
     * Holds every signed request for {@code region}, of any account and service, until
     * {@code release} is counted down (at most 30 s, then it is answered anyway): a test sees
     * what a command did before the answers of that region came back.
     */
    public void holdRegion(String region, CountDownLatch release) {
        faults.holdRegion(region, release);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "fake-aws-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
