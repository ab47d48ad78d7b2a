package dev.mtlscli.fakeaws;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The functions of the fake's account: configuration, tags, invoke handlers, and the update state
 * machine (InProgress until a number of reads, then Successful or Failed). Thread-safe: state
 * changes hold the store's lock; the invoke handlers run outside it. Lock order: this store, then
 * the {@link LayerStore}, never the other way.
 */
final class FunctionStore {
    static final String IN_PROGRESS = "InProgress";
    static final String SUCCESSFUL = "Successful";
    static final String FAILED = "Failed";

    /** The fields of an UpdateFunctionConfiguration; null leaves a field as it is. */
    record Update(String role, String handler, String description, Integer timeout, Integer memorySize,
                  String runtime, Map<String, String> environment, List<String> layers, String revisionId) {
    }

    /** An invocation to run: the configuration the function has, and who answers it (null: the default). */
    record InvokeTarget(FakeLambda.FunctionConfig config, FakeLambda.InvokeHandler handler) {
    }

    private record UpdateFailure(String reasonCode, String reason) {
    }

    private static final class Function {
        FakeLambda.FunctionConfig config;
        FakeLambda.FunctionConfig beforeUpdate;
        int readsLeft;
        UpdateFailure failure;
        final Map<String, String> tags;

        Function(FakeLambda.FunctionConfig config, Map<String, String> tags) {
            this.config = config;
            this.tags = Map.copyOf(tags);
        }
    }

    private final String region;
    private final String accountId;
    private final Clock clock;
    private final LayerStore layers;
    // another account's layer (same region) is looked up in that account's store
    private volatile java.util.function.Function<LambdaNames.LayerRef, LayerStore> layerStores = ref -> null;
    private final Map<String, Function> functions = new TreeMap<>();
    private final Map<String, UpdateFailure> nextUpdateFailures = new HashMap<>();
    private final Map<String, FakeLambda.InvokeHandler> handlers = new ConcurrentHashMap<>();
    private volatile FakeLambda.InvokeHandler anyHandler;
    private int completeAfterReads = 1;

    FunctionStore(String region, String accountId, Clock clock, LayerStore layers) {
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
        this.layers = layers;
    }

    void layerStores(java.util.function.Function<LambdaNames.LayerRef, LayerStore> resolver) {
        this.layerStores = resolver;
    }

    private LayerStore storeOf(LambdaNames.LayerRef layer) {
        LayerStore other = layerStores.apply(layer);
        return other != null ? other : layers;
    }

    String arn(String functionName) {
        return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + functionName;
    }

    synchronized FakeLambda.FunctionConfig create(String name, String runtime, List<String> layerArns,
                                                  Map<String, String> tags) throws AwsError {
        LambdaNames.check("functionName", name, "[a-zA-Z0-9-_]+", 1, 64);
        if (functions.containsKey(name)) {
            throw LambdaErrors.conflict("Function already exist: " + name);
        }
        // a stand-in for the deployment package, so that CodeSha256 and CodeSize look like Lambda's
        byte[] code = ("fake-aws function " + name).getBytes(StandardCharsets.UTF_8);
        FakeLambda.FunctionConfig config = new FakeLambda.FunctionConfig(name, arn(name), runtime,
                "arn:aws:iam::" + accountId + ":role/" + name + "-role",
                runtime != null && runtime.startsWith("java") ? "example.Handler::handleRequest" : "index.handler",
                "", 128, 3, List.of("x86_64"), Map.of(), resolveLayers(layerArns), "Active", SUCCESSFUL, null, null,
                UUID.randomUUID().toString(), now(), LayerStore.sha256(code), code.length);
        functions.put(name, new Function(config, tags));
        return config;
    }

    synchronized Optional<FakeLambda.FunctionConfig> peek(String nameOrArn) {
        try {
            return Optional.of(existing(LambdaNames.function(nameOrArn, 170)).config);
        } catch (AwsError e) {
            return Optional.empty();
        }
    }

    synchronized List<FakeLambda.FunctionConfig> all() {
        return functions.values().stream().map(f -> f.config).toList();
    }

    synchronized Map<String, String> tags(String nameOrArn) {
        return peek(nameOrArn).map(c -> functions.get(c.functionName()).tags).orElse(Map.of());
    }

    /** A read on the wire (GetFunctionConfiguration, GetFunction): it moves an update in progress on. */
    synchronized FakeLambda.FunctionConfig read(LambdaNames.FunctionRef ref) throws AwsError {
        Function function = existing(ref);
        if (function.config.lastUpdateStatus().equals(IN_PROGRESS)) {
            if (function.readsLeft > 0) {
                function.readsLeft--;
            } else {
                complete(function);
            }
        }
        return function.config;
    }

    synchronized Map<String, String> tags(LambdaNames.FunctionRef ref) throws AwsError {
        return existing(ref).tags;
    }

    /** UpdateFunctionConfiguration: Lambda's checks, then the new configuration, InProgress. */
    synchronized FakeLambda.FunctionConfig update(LambdaNames.FunctionRef ref, Update update) throws AwsError {
        Function function = existing(ref);
        FakeLambda.FunctionConfig current = function.config;
        if (current.lastUpdateStatus().equals(IN_PROGRESS)) {
            throw LambdaErrors.conflict("The operation cannot be performed at this time. An update is in progress"
                    + " for resource: " + current.functionArn());
        }
        if (update.revisionId() != null && !update.revisionId().equals(current.revisionId())) {
            throw LambdaErrors.preconditionFailed("The Revision Id provided does not match the latest Revision Id."
                    + " Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
        }
        List<FakeLambda.FunctionLayer> newLayers = update.layers() == null ? current.layers()
                : resolveLayers(update.layers());
        FakeLambda.FunctionConfig updated = new FakeLambda.FunctionConfig(current.functionName(),
                current.functionArn(), or(update.runtime(), current.runtime()), or(update.role(), current.role()),
                or(update.handler(), current.handler()), or(update.description(), current.description()),
                or(update.memorySize(), current.memorySize()), or(update.timeout(), current.timeout()),
                current.architectures(), or(update.environment(), current.environment()), newLayers,
                current.state(), IN_PROGRESS, "The function is being created.", "Creating",
                UUID.randomUUID().toString(), now(), current.codeSha256(), current.codeSize());
        function.beforeUpdate = current;
        function.config = updated;
        function.readsLeft = completeAfterReads;
        function.failure = nextUpdateFailures.remove(current.functionName());
        return updated;
    }

    synchronized void completeAfterReads(int reads) {
        if (reads < 0) {
            throw new IllegalArgumentException("reads must not be negative: " + reads);
        }
        this.completeAfterReads = reads;
    }

    synchronized void failNextUpdate(String functionName, String reasonCode, String reason) {
        nextUpdateFailures.put(functionName, new UpdateFailure(reasonCode, reason));
    }

    synchronized void completeAll() {
        for (Function function : functions.values()) {
            if (function.config.lastUpdateStatus().equals(IN_PROGRESS)) {
                complete(function);
            }
        }
    }

    void onInvoke(String functionName, FakeLambda.InvokeHandler handler) {
        handlers.put(functionName, handler);
    }

    void onAnyInvoke(FakeLambda.InvokeHandler handler) {
        anyHandler = handler;
    }

    synchronized InvokeTarget invokeTarget(LambdaNames.FunctionRef ref) throws AwsError {
        FakeLambda.FunctionConfig config = existing(ref).config;
        FakeLambda.InvokeHandler handler = handlers.get(config.functionName());
        return new InvokeTarget(config, handler != null ? handler : anyHandler);
    }

    /** Ends the update: Successful, or Failed with the configuration from before it, as Lambda rolls back. */
    private void complete(Function function) {
        FakeLambda.FunctionConfig c = function.config;
        UpdateFailure failure = function.failure;
        FakeLambda.FunctionConfig base = failure == null ? c : function.beforeUpdate;
        function.config = new FakeLambda.FunctionConfig(c.functionName(), c.functionArn(), base.runtime(), base.role(),
                base.handler(), base.description(), base.memorySize(), base.timeout(), base.architectures(),
                base.environment(), base.layers(), c.state(), failure == null ? SUCCESSFUL : FAILED,
                failure == null ? null : failure.reason(), failure == null ? null : failure.reasonCode(),
                UUID.randomUUID().toString(), c.lastModified(), c.codeSha256(), c.codeSize());
        function.beforeUpdate = null;
        function.failure = null;
    }

    /**
     * Lambda's rules for a function's layers: at most five, each an existing version the account
     * may use, and no two versions of one layer.
     */
    private List<FakeLambda.FunctionLayer> resolveLayers(List<String> layerArns) throws AwsError {
        if (layerArns.size() > FakeLambda.MAX_LAYERS_PER_FUNCTION) {
            throw LambdaErrors.invalidParameter("Cannot reference more than " + FakeLambda.MAX_LAYERS_PER_FUNCTION
                    + " layers.");
        }
        List<FakeLambda.FunctionLayer> resolved = new ArrayList<>();
        Set<String> seenLayers = new HashSet<>();
        for (String arn : layerArns) {
            LambdaNames.LayerVersionRef ref = LambdaNames.layerVersion("layers", arn);
            LayerStore store = storeOf(ref.layer());
            FakeLambda.LayerVersion version = store.find(ref.layer(), ref.version())
                    .orElseThrow(() -> LambdaErrors.invalidParameter("Layer version " + arn + " does not exist."));
            if (!store.usableBy(version, accountId)) {
                throw LambdaErrors.accessDenied(accountId, "lambda:GetLayerVersion", arn);
            }
            if (!seenLayers.add(version.layerArn())) {
                throw LambdaErrors.invalidParameter("Two different versions of the same layer are not allowed to be"
                        + " referenced in the same function. " + arn);
            }
            resolved.add(new FakeLambda.FunctionLayer(arn, version.codeSize()));
        }
        return resolved;
    }

    private Function existing(LambdaNames.FunctionRef ref) throws AwsError {
        String arn = "arn:aws:lambda:" + or(ref.region(), region) + ":" + or(ref.account(), accountId)
                + ":function:" + ref.name() + (ref.qualifier() == null ? "" : ":" + ref.qualifier());
        boolean here = (ref.region() == null || ref.region().equals(region))
                && (ref.account() == null || ref.account().equals(accountId))
                && (ref.qualifier() == null || ref.qualifier().equals("$LATEST"));
        Function function = here ? functions.get(ref.name()) : null;
        if (function == null) {
            throw LambdaErrors.functionNotFound(arn);
        }
        return function;
    }

    private String now() {
        return LayerStore.TIMESTAMP.format(clock.instant());
    }

    private static <T> T or(T value, T otherwise) {
        return value != null ? value : otherwise;
    }
}
