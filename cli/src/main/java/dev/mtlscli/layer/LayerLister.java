package dev.mtlscli.layer;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.LayerManifests;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetLayerVersionResponse;
import software.amazon.awssdk.services.lambda.model.LayerVersionsListItem;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads what is published under a layer name: every version (ListLayerVersions, all pages), its
 * grants (GetLayerVersionPolicy) and the manifests inside its zip, downloaded from the
 * pre-signed Content.Location that GetLayerVersion returns.
 */
public final class LayerLister {
    /** A layer is at most 250 MB unzipped; ours are kilobytes, so anything large is not ours. */
    private static final int MAX_MANIFEST_BYTES = 64 * 1024;

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
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(location))
                    .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new MtlsException("downloading the layer content failed with HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new MtlsException("downloading the layer content failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MtlsException("interrupted while downloading the layer content", e);
        }
    }

    /** The manifest of every mtls/&lt;service&gt;/ directory of a layer zip. */
    static List<LayerManifest> manifests(byte[] zip, String source) {
        List<LayerManifest> manifests = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String[] parts = entry.getName().split("/");
                if (parts.length == 3 && "mtls".equals(parts[0]) && LayerManifest.FILE_NAME.equals(parts[2])) {
                    byte[] json = in.readNBytes(MAX_MANIFEST_BYTES + 1);
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
