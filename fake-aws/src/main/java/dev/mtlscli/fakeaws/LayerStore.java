package dev.mtlscli.fakeaws;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Layers by ARN, each with its versions, their archives and their policies. Version numbers grow
 * per layer and are never reused, even when versions (or all of them) are deleted. Each version's
 * archive can be downloaded, unsigned, from {@link #location}, like the presigned S3 URL in the
 * real Content.Location. Thread-safe: every method holds the store's lock.
 */
final class LayerStore {
    /** Lambda's timestamp format, e.g. {@code 2018-11-14T23:03:52.894+0000}. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);
    static final String CONTENT_PATH = "/_content/";

    /** The arguments of a PublishLayerVersion; description and licenseInfo may be null. */
    record Publish(LambdaNames.LayerRef layer, byte[] zip, String description, List<String> compatibleRuntimes,
                   List<String> compatibleArchitectures, String licenseInfo) {
    }

    /** A statement as AddLayerVersionPermission returns it, and the policy's new revision. */
    record Added(String statement, String revisionId) {
    }

    /** A policy document as GetLayerVersionPolicy returns it. */
    record Policy(String policy, String revisionId) {
    }

    /** A published version, and what can change about it: its policy. */
    private static final class Entry {
        final FakeLambda.LayerVersion version;
        final String contentToken = UUID.randomUUID().toString().replace("-", "");
        final Map<String, LayerGrant> grants = new LinkedHashMap<>();
        String policyRevision;

        Entry(FakeLambda.LayerVersion version) {
            this.version = version;
        }
    }

    private static final class Layer {
        long lastVersion;
        final TreeMap<Long, Entry> versions = new TreeMap<>();
    }

    private final String region;
    private final String accountId;
    private final Clock clock;
    private final Supplier<URI> endpoint;
    private final Map<String, Layer> layers = new TreeMap<>();
    private final Map<String, Entry> byContentToken = new HashMap<>();
    private final Map<String, String> locationOverrides = new HashMap<>();
    private long maxZipBytes = FakeLambda.MAX_LAYER_ZIP_BYTES;
    private String callerOrganization;

    LayerStore(String region, String accountId, Clock clock, Supplier<URI> endpoint) {
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
        this.endpoint = endpoint;
    }

    /** The account the fake's credentials belong to: the caller of every operation on the wire. */
    String accountId() {
        return accountId;
    }

    String region() {
        return region;
    }

    synchronized void maxZipBytes(long bytes) {
        this.maxZipBytes = bytes;
    }

    synchronized void callerOrganization(String organizationId) {
        this.callerOrganization = organizationId;
    }

    /** The largest PublishLayerVersion request: the archive limit in Base64, 69905067 bytes for 50 MiB. */
    synchronized long maxRequestBytes() {
        return (maxZipBytes * 4 + 2) / 3;
    }

    synchronized FakeLambda.LayerVersion publish(Publish publish) throws AwsError {
        byte[] zip = publish.zip();
        if (zip.length > maxZipBytes) {
            // Lambda states the limit on the request, i.e. on the archive's Base64 form
            throw LambdaErrors.entityTooLarge(maxRequestBytes(), "PublishLayerVersion");
        }
        if (!isZip(zip)) {
            throw LambdaErrors.invalidParameter(
                    "Could not unzip uploaded file. Please check your file, then try to upload again.");
        }
        LambdaNames.LayerRef ref = publish.layer();
        Layer layer = layers.computeIfAbsent(ref.arn(), k -> new Layer());
        long version = ++layer.lastVersion;
        FakeLambda.LayerVersion published = new FakeLambda.LayerVersion(ref.arn(), ref.versionArn(version), ref.name(),
                ref.account(), version, publish.description(), TIMESTAMP.format(clock.instant()),
                publish.compatibleRuntimes(), publish.compatibleArchitectures(), publish.licenseInfo(), sha256(zip),
                zip.length, zip);
        Entry entry = new Entry(published);
        layer.versions.put(version, entry);
        byContentToken.put(entry.contentToken, entry);
        return published;
    }

    synchronized Optional<FakeLambda.LayerVersion> find(LambdaNames.LayerRef layer, long version) {
        return entry(layer, version).map(e -> e.version);
    }

    synchronized FakeLambda.LayerVersion get(LambdaNames.LayerRef layer, long version) throws AwsError {
        return existing(layer, version).version;
    }

    /** The versions of one layer, newest first; empty for a layer that has none (or never existed). */
    synchronized List<FakeLambda.LayerVersion> versions(LambdaNames.LayerRef layer) {
        Layer found = layers.get(layer.arn());
        if (found == null) {
            return List.of();
        }
        return found.versions.descendingMap().values().stream().map(e -> e.version).toList();
    }

    /** Every layer of the account that has versions, by name, each with its versions newest first. */
    synchronized Map<String, List<FakeLambda.LayerVersion>> layersOf(String account) {
        Map<String, List<FakeLambda.LayerVersion>> result = new TreeMap<>();
        for (Layer layer : layers.values()) {
            if (!layer.versions.isEmpty()) {
                FakeLambda.LayerVersion any = layer.versions.firstEntry().getValue().version;
                if (any.accountId().equals(account)) {
                    result.put(any.layerName(), layer.versions.descendingMap().values().stream()
                            .map(e -> e.version).toList());
                }
            }
        }
        return result;
    }

    /** Deletes a version; deleting one that does not exist is not an error, as in Lambda. */
    synchronized void delete(LambdaNames.LayerRef layer, long version) {
        Layer found = layers.get(layer.arn());
        Entry removed = found == null ? null : found.versions.remove(version);
        if (removed != null) {
            byContentToken.remove(removed.contentToken);
        }
    }

    /**
     * Adds a statement to the version's policy.
     *
     * @param revisionId null, or the revision the policy must still be at
     */
    synchronized Added addPermission(LambdaNames.LayerRef layer, long version, LayerGrant grant, String revisionId)
            throws AwsError {
        Entry entry = existing(layer, version);
        checkRevision(entry, revisionId);
        if (entry.grants.containsKey(grant.statementId())) {
            throw LambdaErrors.conflict("The statement id (" + grant.statementId() + ") provided already exists."
                    + " Please provide a new statement id, or remove the existing statement.");
        }
        entry.grants.put(grant.statementId(), grant);
        entry.policyRevision = UUID.randomUUID().toString();
        return new Added(Json.write(grant.statement(entry.version.layerVersionArn())), entry.policyRevision);
    }

    synchronized Policy policy(LambdaNames.LayerRef layer, long version) throws AwsError {
        Entry entry = existing(layer, version);
        if (entry.grants.isEmpty()) {
            throw LambdaErrors.notFound("No policy is associated with the given resource.");
        }
        return new Policy(LayerGrant.policy(entry.grants.values(), entry.version.layerVersionArn()),
                entry.policyRevision);
    }

    synchronized void removePermission(LambdaNames.LayerRef layer, long version, String statementId, String revisionId)
            throws AwsError {
        Entry entry = existing(layer, version);
        checkRevision(entry, revisionId);
        if (entry.grants.remove(statementId) == null) {
            throw LambdaErrors.notFound("Statement " + statementId + " is not found in resource policy.");
        }
        entry.policyRevision = entry.grants.isEmpty() ? null : UUID.randomUUID().toString();
    }

    /** Whether the account may use the version: it is the owner, or the version's policy grants it. */
    synchronized boolean usableBy(FakeLambda.LayerVersion version, String account) {
        if (version.accountId().equals(account)) {
            return true;
        }
        Optional<Entry> entry = entry(version.layerArn(), version.version());
        return entry.isPresent() && LayerGrant.anyAllows(new ArrayList<>(entry.get().grants.values()), account,
                callerOrganization);
    }

    /**
     * Where the version's archive can be downloaded, unsigned, while the version exists. A version
     * deleted meanwhile (a concurrent DeleteLayerVersion) gets a URL that answers 403, as an S3
     * URL to a removed object would.
     */
    synchronized String location(FakeLambda.LayerVersion version) {
        String odd = locationOverrides.get(version.layerVersionArn());
        if (odd != null) {
            return odd;
        }
        String token = entry(version.layerArn(), version.version()).map(e -> e.contentToken).orElse("deleted");
        return endpoint.get().resolve(CONTENT_PATH + token).toString();
    }

    /** From now on GetLayerVersion answers this Content.Location for the version, as odd as it may be. */
    synchronized void overrideLocation(String layerVersionArn, String location) {
        locationOverrides.put(layerVersionArn, location);
    }

    /** The archive a content token stands for; empty when the token is unknown or its version deleted. */
    synchronized Optional<byte[]> content(String token) {
        Entry entry = byContentToken.get(token);
        return entry == null ? Optional.empty() : Optional.of(entry.version.zip());
    }

    private Entry existing(LambdaNames.LayerRef layer, long version) throws AwsError {
        return entry(layer, version).orElseThrow(() -> LambdaErrors.layerVersionNotFound(layer.versionArn(version)));
    }

    private Optional<Entry> entry(LambdaNames.LayerRef layer, long version) {
        return entry(layer.arn(), version);
    }

    private Optional<Entry> entry(String layerArn, long version) {
        Layer found = layers.get(layerArn);
        return found == null ? Optional.empty() : Optional.ofNullable(found.versions.get(version));
    }

    private static void checkRevision(Entry entry, String revisionId) throws AwsError {
        if (revisionId != null && !revisionId.equals(entry.policyRevision)) {
            throw LambdaErrors.preconditionFailed("The Revision Id provided does not match the latest Revision Id."
                    + " Call the GetLayerVersionPolicy API to retrieve the latest Revision Id");
        }
    }

    /** A zip archive starts with a local file header, or with the end record when it is empty. */
    private static boolean isZip(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K'
                && ((bytes[2] == 3 && bytes[3] == 4) || (bytes[2] == 5 && bytes[3] == 6));
    }

    static String sha256(byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
