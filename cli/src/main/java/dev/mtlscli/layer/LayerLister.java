package dev.mtlscli.layer;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.LayerManifests;
import dev.mtlscli.store.BoundedReads;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetLayerVersionResponse;
import software.amazon.awssdk.services.lambda.model.LayerVersionsListItem;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads what is published under a layer name: every version (ListLayerVersions, all pages), its
 * grants (GetLayerVersionPolicy) and the manifests inside its zip, downloaded from the
 * pre-signed Content.Location that GetLayerVersion returns.
 */
public final class LayerLister {
    /** A layer is at most 250 MB unzipped; ours are kilobytes, so anything large is not ours. */
    private static final int MAX_MANIFEST_BYTES = 64 * 1024;
    /** Ours have three entries per service; a layer with this many is someone else's. */
    private static final int MAX_ENTRIES = 10_000;

    private final LambdaClient lambda;
    private final HttpClient http;

    public LayerLister(LambdaClient lambda) {
        this.lambda = lambda;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** The versions of a layer, newest first; empty when the layer does not exist. */
    public List<ListedVersion> list(String layerName) {
        List<LayerVersionsListItem> items = new ArrayList<>();
        AwsCalls.run(AwsService.LAMBDA, "ListLayerVersions " + layerName,
                () -> lambda.listLayerVersionsPaginator(b -> b.layerName(layerName)).layerVersions().forEach(items::add));
        items.sort(Comparator.comparingLong(LayerVersionsListItem::version).reversed());
        List<ListedVersion> versions = new ArrayList<>();
        for (LayerVersionsListItem item : items) {
            versions.add(describe(layerName, item));
        }
        return versions;
    }

    /** The zip of one version, downloaded from the Content.Location GetLayerVersion gives. */
    public byte[] content(String layerName, long version) {
        GetLayerVersionResponse answer = AwsCalls.call(AwsService.LAMBDA, "GetLayerVersion " + layerName + ":" + version,
                () -> lambda.getLayerVersion(b -> b.layerName(layerName).versionNumber(version)));
        return download(answer.content().location());
    }

    private ListedVersion describe(String layerName, LayerVersionsListItem item) {
        GetLayerVersionResponse version = AwsCalls.call(AwsService.LAMBDA, "GetLayerVersion " + layerName + ":" + item.version(),
                () -> lambda.getLayerVersion(b -> b.layerName(layerName).versionNumber(item.version())));
        List<LayerVersionPolicy.Statement> grants =
                List.copyOf(LayerVersionPolicy.read(lambda, layerName, item.version()).values());
        List<LayerManifest> manifests = List.of();
        String problem = null;
        try {
            manifests = manifests(download(version.content().location()), layerName + ":" + item.version());
            if (manifests.isEmpty()) {
                problem = "no mtls/<service>/manifest.json in the layer";
            }
        } catch (MtlsException e) {
            problem = e.getMessage();
        }
        return new ListedVersion(layerName, item.version(), item.layerVersionArn(), item.createdDate(), item.description(),
                item.compatibleRuntimesAsStrings(), grants, manifests, problem);
    }

    private byte[] download(String location) {
        if (location == null) {
            throw new MtlsException("Lambda returned no Content.Location to download the layer from");
        }
        URI uri = contentLocation(location);
        try {
            // A pre-signed S3 URL needs no AWS signature: nothing but the URL itself is sent.
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new MtlsException("downloading the layer content failed with HTTP " + response.statusCode());
                }
                return BoundedReads.read(body, BoundedReads.LAYER_ZIP, "the layer content");
            }
        } catch (IOException e) {
            throw new MtlsException("downloading the layer content failed: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new MtlsException("Content.Location " + shown(location) + " cannot be downloaded: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MtlsException("interrupted while downloading the layer content", e);
        }
    }

    /**
     * Lambda's Content.Location is a pre-signed https URL of S3. Anything else (file:, ftp:, no
     * host, not a URL at all) is an odd answer: that one version is unreadable, the rest are listed.
     */
    static URI contentLocation(String location) {
        URI uri;
        try {
            uri = new URI(location);
        } catch (URISyntaxException e) {
            throw new MtlsException("Content.Location " + shown(location) + " is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
            throw new MtlsException("Content.Location " + shown(location) + " is not an http(s) URL with a host");
        }
        return uri;
    }

    /** Long pre-signed URLs cut short; escaped where printed, like everything that came from AWS. */
    private static String shown(String location) {
        String head = location.length() > 80 ? location.substring(0, 80) + "..." : location;
        return "'" + head + "'";
    }

    /**
     * The manifest of every mtls/&lt;service&gt;/ directory of a layer zip. Only the manifests are
     * inflated, read from the zip's central directory: a zip bomb elsewhere in an odd layer costs
     * nothing, and a manifest is read through a size limit.
     */
    static List<LayerManifest> manifests(byte[] zip, String source) {
        List<LayerManifest> manifests = new ArrayList<>();
        try (ZipFile file = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(zip)).get()) {
            int entries = 0;
            for (ZipArchiveEntry entry : java.util.Collections.list(file.getEntries())) {
                if (++entries > MAX_ENTRIES) {
                    throw new MtlsException(source + ": the layer has more than " + MAX_ENTRIES + " entries, so it is not an mtls layer");
                }
                String[] parts = entry.getName().split("/");
                if (parts.length == 3 && "mtls".equals(parts[0]) && LayerManifest.FILE_NAME.equals(parts[2])) {
                    byte[] json;
                    try (InputStream in = file.getInputStream(entry)) {
                        json = in.readNBytes(MAX_MANIFEST_BYTES + 1);
                    }
                    if (json.length > MAX_MANIFEST_BYTES) {
                        throw new MtlsException(source + ": " + entry.getName() + " is too large to be a manifest");
                    }
                    manifests.add(LayerManifests.parse(json, source + " " + entry.getName()));
                }
            }
        } catch (IOException e) {
            throw new MtlsException(source + ": the layer content is not a readable zip: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof MtlsException) {
                throw e;
            }
            throw new MtlsException(source + ": " + e.getMessage(), e);
        }
        return manifests;
    }
}
