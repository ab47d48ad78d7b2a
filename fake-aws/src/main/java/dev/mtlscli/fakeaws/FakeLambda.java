package dev.mtlscli.fakeaws;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The state of the fake Lambda: layers with their versions, contents and policies, and functions
 * with their configuration (layers, update status), tags and invoke behaviour. Tests seed it
 * ({@link #publishLayerVersion(String, byte[])}, {@link #createFunction}), script it
 * ({@link #onInvoke}, {@link #updatesCompleteAfterReads}, {@link #failNextUpdate}) and read it
 * back ({@link #function}, {@link #layerVersions}); the Lambda operations on the wire go through
 * the same state.
 *
 * <p>An UpdateFunctionConfiguration leaves the function's {@code LastUpdateStatus} at
 * {@code InProgress}; it moves to {@code Successful} (or {@code Failed}, see
 * {@link #failNextUpdate}) only after a set number of GetFunctionConfiguration/GetFunction reads
 * of that function, so a test sees the same sequence on every run, with no clock involved.
 */
public final class FakeLambda {
    /**
     * Lambda's limit on a layer archive uploaded directly (Content.ZipFile). Lambda enforces it on
     * the request, whose Base64 form of the archive must stay under 69905067 bytes; so does the fake.
     */
    public static final long MAX_LAYER_ZIP_BYTES = 50L * 1024 * 1024;
    /** Lambda's limit on the layers of one function. */
    public static final int MAX_LAYERS_PER_FUNCTION = 5;

    /**
     * One published layer version, as GetLayerVersion describes it.
     *
     * @param createdDate in Lambda's format, e.g. {@code 2018-11-14T23:03:52.894+0000}
     * @param codeSha256  Base64 of the SHA-256 of the archive, as Lambda gives it
     */
    public record LayerVersion(String layerArn, String layerVersionArn, String layerName, String accountId,
                               long version, String description, String createdDate, List<String> compatibleRuntimes,
                               List<String> compatibleArchitectures, String licenseInfo, String codeSha256,
                               long codeSize, byte[] zip) {

        public LayerVersion {
            compatibleRuntimes = List.copyOf(compatibleRuntimes);
            compatibleArchitectures = List.copyOf(compatibleArchitectures);
            zip = zip.clone();
        }

        /** The archive's bytes (a copy). */
        @Override
        public byte[] zip() {
            return zip.clone();
        }
    }

    /** A layer in a function's configuration: the version ARN and that version's archive size. */
    public record FunctionLayer(String arn, long codeSize) {
    }

    /**
     * A function's configuration as GetFunctionConfiguration returns it (unpublished version
     * {@code $LATEST}); an update replaces the whole record.
     *
     * @param lastUpdateStatus {@code InProgress}, {@code Successful} or {@code Failed}
     * @param lastModified     in Lambda's format, e.g. {@code 2018-11-14T23:03:52.894+0000}
     */
    public record FunctionConfig(String functionName, String functionArn, String runtime, String role, String handler,
                                 String description, int memorySize, int timeout, List<String> architectures,
                                 Map<String, String> environment, List<FunctionLayer> layers, String state,
                                 String lastUpdateStatus, String lastUpdateStatusReason,
                                 String lastUpdateStatusReasonCode, String revisionId, String lastModified,
                                 String codeSha256, long codeSize) {

        public FunctionConfig {
            architectures = List.copyOf(architectures);
            environment = Map.copyOf(environment);
            layers = List.copyOf(layers);
        }

        /** The ARNs of the function's layer versions, in their order. */
        public List<String> layerArns() {
            return layers.stream().map(FunctionLayer::arn).toList();
        }
    }

    /**
     * What a function does when invoked, in the test's hands. It gets the request payload and the
     * function's configuration at the time of the call (so it can fail when the function lacks a
     * layer); an exception it throws is the function's error, as a Lambda runtime reports it.
     * The payload is the request body as sent, the empty string when the call had none.
     */
    @FunctionalInterface
    public interface InvokeHandler {
        InvokeResult invoke(String payload, FunctionConfig function) throws Exception;
    }

    /**
     * The outcome of an invocation: the response payload, and the {@code X-Amz-Function-Error}
     * value when the function failed (null when it succeeded).
     */
    public record InvokeResult(String payload, String functionError) {

        /** A successful invocation returning this JSON payload. */
        public static InvokeResult success(String payload) {
            return new InvokeResult(payload, null);
        }

        /** A function error, reported as Lambda reports an unhandled one. */
        public static InvokeResult error(String errorType, String errorMessage) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("errorMessage", errorMessage);
            body.put("errorType", errorType);
            return new InvokeResult(Json.write(body), "Unhandled");
        }
    }

    /**
     * A call the quotas counted: its operation, the quota's name in the Lambda developer guide
     * (e.g. {@code GetFunction API requests}), when it was counted by the fake's clock, and whether
     * it was admitted or refused with a 429.
     */
    public record CountedCall(String operation, String quota, java.time.Instant at, boolean admitted) {
    }

    private final String region;
    private final String accountId;
    private final LayerStore layers;
    private final FunctionStore functions;
    private final LambdaQuotas quotas;

    FakeLambda(String region, String accountId, Clock clock, Supplier<URI> endpoint) {
        this.region = region;
        this.accountId = accountId;
        this.layers = new LayerStore(region, accountId, clock, endpoint);
        this.functions = new FunctionStore(region, accountId, clock, layers);
        this.quotas = new LambdaQuotas(clock);
    }

    /** Where the layers of other accounts live, for functions of this account that use them. */
    void layerStores(java.util.function.Function<LambdaNames.LayerRef, LayerStore> resolver) {
        functions.layerStores(resolver);
    }

    // ---- layers

    /** Publishes a version of a layer of the fake's account (name or layer ARN), as PublishLayerVersion would. */
    public LayerVersion publishLayerVersion(String layerName, byte[] zip) {
        return publishLayerVersion(accountId, layerName, zip, null, List.of());
    }

    /**
     * Publishes a version of a layer of any account, e.g. another account's layer that a function of
     * the fake's account may use only once that account has granted it.
     */
    public LayerVersion publishLayerVersion(String accountId, String layerName, byte[] zip, String description,
                                            List<String> compatibleRuntimes) {
        return unchecked(() -> layers.publish(new LayerStore.Publish(
                LambdaNames.layer(layerName, region, accountId), zip, description, compatibleRuntimes, List.of(),
                null)));
    }

    /**
     * Adds a statement to a layer version's policy, as AddLayerVersionPermission would.
     *
     * @param principal      a 12-digit account id, {@code arn:aws:iam::<account>:root}, or {@code *}
     * @param organizationId null, or an organization id together with principal {@code *}
     * @return the statement as JSON
     */
    public String addLayerVersionPermission(String layerVersionArn, String statementId, String principal,
                                            String organizationId) {
        return unchecked(() -> {
            LambdaNames.LayerVersionRef ref = LambdaNames.layerVersion("layerVersionArn", layerVersionArn);
            return layers.addPermission(ref.layer(), ref.version(),
                    new LayerGrant(statementId, principal, organizationId), null).statement();
        });
    }

    /**
     * Makes GetLayerVersion answer this Content.Location for the version (a file: URL, garbage, a
     * URL of a test server that answers 404 or endless data), for testing clients against odd answers.
     */
    public void overrideContentLocation(String layerVersionArn, String location) {
        layers.overrideLocation(layerVersionArn, location);
    }

    /** The versions of a layer (name or layer ARN) that are not deleted, oldest first. */
    public List<LayerVersion> layerVersions(String layerName) {
        List<LayerVersion> versions = new ArrayList<>(unchecked(() -> layers.versions(
                LambdaNames.layer(layerName, region, accountId))));
        Collections.reverse(versions); // the store lists newest first, as ListLayerVersions does
        return List.copyOf(versions);
    }

    public Optional<LayerVersion> layerVersion(String layerVersionArn) {
        if (!LambdaNames.isLayerVersionArn(layerVersionArn)) {
            return Optional.empty();
        }
        LambdaNames.LayerVersionRef ref = unchecked(() -> LambdaNames.layerVersion("layerVersionArn",
                layerVersionArn));
        return layers.find(ref.layer(), ref.version());
    }

    /** The layer version's policy document as GetLayerVersionPolicy returns it; empty when it has none. */
    public Optional<String> layerVersionPolicy(String layerVersionArn) {
        try {
            LambdaNames.LayerVersionRef ref = LambdaNames.layerVersion("layerVersionArn", layerVersionArn);
            return Optional.of(layers.policy(ref.layer(), ref.version()).policy());
        } catch (AwsError e) {
            return Optional.empty();
        }
    }

    /** Makes the fake's account a member of this organization, for layers shared with an organization. */
    public void callerOrganization(String organizationId) {
        layers.callerOrganization(organizationId);
    }

    /** Lowers (or raises) the archive size limit of PublishLayerVersion, so tests need not upload 50 MB. */
    void maxLayerZipBytes(long bytes) {
        layers.maxZipBytes(bytes);
    }

    // ---- functions

    /**
     * Creates a function in the fake's account, {@code Active} and with its last update
     * {@code Successful}, as it is once CreateFunction has finished.
     *
     * @param runtime   e.g. {@code java21}
     * @param layerArns layer version ARNs; each must exist and be usable by the account
     */
    public FunctionConfig createFunction(String name, String runtime, List<String> layerArns, Map<String, String> tags) {
        return unchecked(() -> functions.create(name, runtime, layerArns, tags));
    }

    /** The function's configuration (name or ARN), as it is now; reading it here does not move an update on. */
    public Optional<FunctionConfig> function(String nameOrArn) {
        return functions.peek(nameOrArn);
    }

    /** Every function, by name. */
    public List<FunctionConfig> functions() {
        return functions.all();
    }

    public Map<String, String> tags(String functionName) {
        return functions.tags(functionName);
    }

    /** The ARN a function of this name has in the fake's account and region. */
    public String functionArn(String functionName) {
        return functions.arn(functionName);
    }

    /** How Invoke answers for this function, instead of the default ({@code null}, successfully). */
    public void onInvoke(String functionName, InvokeHandler handler) {
        functions.onInvoke(functionName, handler);
    }

    /** How Invoke answers for functions without their own handler. */
    public void onAnyInvoke(InvokeHandler handler) {
        functions.onAnyInvoke(handler);
    }

    /**
     * How many GetFunctionConfiguration/GetFunction reads of a function still see an update
     * {@code InProgress}; the read after them sees it finished. Default 1: the first read after an
     * update sees InProgress, the second Successful. 0 makes the first read see it finished.
     * Applies to updates made after this call.
     */
    public void updatesCompleteAfterReads(int reads) {
        functions.completeAfterReads(reads);
    }

    /**
     * Makes the next update of the function end {@code Failed} with this reason: Lambda then keeps
     * the configuration the function had before that update.
     *
     * @param reasonCode a LastUpdateStatusReasonCode, e.g. {@code InvalidConfiguration}
     */
    public void failNextUpdate(String functionName, String reasonCode, String reason) {
        functions.failNextUpdate(functionName, reasonCode, reason);
    }

    /** Finishes every update in progress now, as enough reads would. */
    public void completeUpdates() {
        functions.completeAll();
    }

    // ---- quotas

    /**
     * Enforces (or stops enforcing) Lambda's control-plane request quotas of this account's region
     * on the wire: GetFunction 100 per second, GetPolicy 15, every other control-plane operation
     * 15 together; Invoke is not counted. Each is a token bucket on the fake's clock holding one
     * second's worth, full when switched on. A call over its quota is answered 429
     * TooManyRequestsException, Reason CallerRateLimitExceeded, with a Retry-After header. Off by
     * default. The seeding API here is never counted.
     */
    public void enforceQuotas(boolean on) {
        quotas.enforce(on);
    }

    /**
     * Every call of this account's region the quotas counted since they were switched on, admitted
     * or refused: what a test measures a client's rate by, per account-region.
     */
    public List<CountedCall> countedCalls() {
        return quotas.counted();
    }

    // ---- for the wire operations

    LambdaQuotas quotas() {
        return quotas;
    }

    LayerStore layerStore() {
        return layers;
    }

    FunctionStore functionStore() {
        return functions;
    }

    String region() {
        return region;
    }

    String accountId() {
        return accountId;
    }

    /** A Lambda code path run from the seeding API, where a refusal is the test's mistake. */
    private interface Action<T> {
        T run() throws AwsError;
    }

    private static <T> T unchecked(Action<T> action) {
        try {
            return action.run();
        } catch (AwsError e) {
            throw new IllegalArgumentException(e.type() + ": " + e.getMessage(), e);
        }
    }
}
