package dev.mtlscli.rotation;

import dev.mtlscli.aws.Arns;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.aws.LayerVersionArn;
import dev.mtlscli.layer.LayerLister;
import dev.mtlscli.layer.ListedVersion;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.LayersListItem;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The inventory behind `status` (and the input of a rotation): which mtls layers the account has,
 * each version's certificate expiry and pinned parameters (from the manifest inside the layer),
 * and which functions use which version.
 *
 * <p>Calls, all reads: ListLayers (all pages, unless the layers are named), ListFunctions (all
 * pages), and per layer ListLayerVersions, then per version GetLayerVersion, GetLayerVersionPolicy
 * and the download of the layer zip from Content.Location ({@link LayerLister}).
 *
 * <p>Only layers of the account and region are inventoried: a function's layer counts when its ARN
 * has the function's own account and region and its name is selected. A version that functions
 * use but that is no longer published (deleted) is listed too, as unreadable.
 */
public final class StatusInventory {
    private final LambdaClient lambda;
    private final LayerLister lister;

    public StatusInventory(LambdaClient lambda) {
        this.lambda = lambda;
        this.lister = new LayerLister(lambda);
    }

    public StatusReport read(StatusQuery query) {
        return read(query, List.of(), account -> List.of(), AccountsProgress.NONE);
    }

    /**
     * The same, with the functions of other accounts too: a consumer in another account uses a
     * version of these layers (same region, granted to it), so it counts like a local function.
     * An account whose functions cannot be read (its role cannot be assumed, throttled past the
     * retries) is named in the report and the others are still read.
     *
     * <p>The accounts are read one after the other, and of each only the functions on these layers
     * are kept: over thousands of accounts, what is held is what the report shows, not every
     * account's clients and functions.
     *
     * @param accounts the other accounts, in the order they are read
     * @param reader   reads the functions of one of them
     * @param progress told after each account, read or not
     */
    public StatusReport read(StatusQuery query, List<String> accounts, AccountFunctions reader, AccountsProgress progress) {
        Set<String> names = new LinkedHashSet<>(query.layerNames().isEmpty() ? discover(query.layerPrefix()) : query.layerNames());
        Map<String, Map<Long, Use>> uses = uses(FunctionInventory.read(lambda), query, null);
        Map<String, String> failed = new TreeMap<>();
        // each layer's versions are listed (and their zips read) once
        Map<String, List<ListedVersion>> listed = new HashMap<>();
        if (!accounts.isEmpty()) {
            String owner = owner(names, uses, listed);
            int done = 0;
            for (String account : accounts) {
                try {
                    List<FunctionLayers> remote = reader.read(account);
                    if (owner != null) {
                        merge(uses, uses(remote, query, owner));
                    }
                } catch (RuntimeException e) {
                    failed.put(account, String.valueOf(e.getMessage()));
                }
                progress.read(++done, accounts.size());
            }
        }
        if (query.layerNames().isEmpty()) {
            // a layer whose versions are all deleted is not listed, but its functions still need it
            Set<String> sorted = new TreeSet<>(names);
            sorted.addAll(uses.keySet());
            names = sorted;
        }
        List<InventoryLayer> layers = new ArrayList<>();
        for (String name : names) {
            layers.add(layer(name, listed.computeIfAbsent(name, lister::list), uses.getOrDefault(name, Map.of()), query));
        }
        return new StatusReport(query.now(), query.renewBefore(), query.layerPrefix(), layers, accounts, failed);
    }

    /** The functions of another account with their layers, e.g. through a role assumed there. */
    @FunctionalInterface
    public interface AccountFunctions {
        List<FunctionLayers> read(String account);
    }

    /** Hears how far the reading of the other accounts has got. */
    @FunctionalInterface
    public interface AccountsProgress {
        AccountsProgress NONE = (done, total) -> { };

        void read(int done, int total);
    }

    /** The account of these layers: from a version's ARN, or from a function of the account that uses one. */
    private String owner(Set<String> names, Map<String, Map<Long, Use>> uses, Map<String, List<ListedVersion>> listed) {
        for (Map<Long, Use> versions : uses.values()) {
            for (Use use : versions.values()) {
                return Arns.account(use.arn().layerArn());
            }
        }
        for (String name : names) {
            for (ListedVersion version : listed.computeIfAbsent(name, lister::list)) {
                return Arns.account(version.layerVersionArn());
            }
        }
        return null;
    }

    private static void merge(Map<String, Map<Long, Use>> into, Map<String, Map<Long, Use>> more) {
        more.forEach((name, versions) -> versions.forEach((version, use) -> into
                .computeIfAbsent(name, n -> new TreeMap<>())
                .computeIfAbsent(version, v -> new Use(use.arn(), new ArrayList<>()))
                .functions().addAll(use.functions())));
    }

    /** The names of the account's layers that start with the prefix (ListLayers, all pages), sorted. */
    List<String> discover(String prefix) {
        Set<String> names = new TreeSet<>();
        AwsCalls.run(AwsService.LAMBDA, "ListLayers", () -> {
            for (LayersListItem layer : lambda.listLayersPaginator(b -> { }).layers()) {
                if (layer.layerName() != null && layer.layerName().startsWith(prefix)) {
                    names.add(layer.layerName());
                }
            }
        });
        return List.copyOf(names);
    }

    /**
     * The layer versions used by functions, for the selected layers of the account and region;
     * with {@code owner}, functions of other accounts using that account's layers of their region.
     */
    private static Map<String, Map<Long, Use>> uses(List<FunctionLayers> functions, StatusQuery query, String owner) {
        Map<String, Map<Long, Use>> uses = new TreeMap<>();
        for (FunctionLayers function : functions) {
            for (String arn : function.layerArns()) {
                LayerVersionArn layer = LayerVersionArn.parseOrNull(arn);
                boolean ours = layer != null && (owner == null ? sameAccountAndRegion(function, layer)
                        : owner.equals(Arns.account(layer.layerArn()))
                        && Arns.region(layer.layerArn()).equals(Arns.region(function.functionArn())));
                if (!ours || !query.selects(layer.layerName())) {
                    continue;
                }
                uses.computeIfAbsent(layer.layerName(), name -> new TreeMap<>())
                        .computeIfAbsent(layer.version(), version -> new Use(layer, new ArrayList<>()))
                        .functions().add(function);
            }
        }
        return uses;
    }

    /** arn:aws:lambda:REGION:ACCOUNT:function:NAME and arn:aws:lambda:REGION:ACCOUNT:layer:NAME. */
    static boolean sameAccountAndRegion(FunctionLayers function, LayerVersionArn layer) {
        String functionArn = function.functionArn();
        if (functionArn == null) {
            return true;
        }
        int f = functionArn.indexOf(":function:");
        int l = layer.layerArn().indexOf(":layer:");
        return f > 0 && l > 0 && functionArn.substring(0, f).equals(layer.layerArn().substring(0, l));
    }

    private static InventoryLayer layer(String name, List<ListedVersion> listed, Map<Long, Use> uses, StatusQuery query) {
        Map<Long, InventoryVersion> versions = new TreeMap<>(Comparator.reverseOrder());
        String layerArn = null;
        for (ListedVersion version : listed) {
            Use use = uses.get(version.version());
            versions.put(version.version(), InventoryVersion.of(version,
                    use == null ? List.of() : use.functions(), query.now(), query.renewBefore()));
            LayerVersionArn arn = LayerVersionArn.parseOrNull(version.layerVersionArn());
            if (layerArn == null && arn != null) {
                layerArn = arn.layerArn();
            }
        }
        for (Map.Entry<Long, Use> use : uses.entrySet()) {
            if (!versions.containsKey(use.getKey())) {
                versions.put(use.getKey(), InventoryVersion.deleted(name, use.getKey(), use.getValue().arn().arn(),
                        use.getValue().functions()));
            }
            if (layerArn == null) {
                layerArn = use.getValue().arn().layerArn();
            }
        }
        return new InventoryLayer(name, layerArn, new ArrayList<>(versions.values()));
    }

    /** The functions on one layer version. */
    private record Use(LayerVersionArn arn, List<FunctionLayers> functions) {
    }
}
