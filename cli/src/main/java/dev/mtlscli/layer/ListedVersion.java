package dev.mtlscli.layer;

import dev.mtlscli.runtime.layer.LayerManifest;

import java.util.List;

/**
 * A published layer version as `layer list` (and `status`) shows it: what Lambda says about it,
 * who may use it, and the manifests inside it, which give the certificate's expiry and the
 * parameter versions it pins.
 *
 * @param manifestProblem why the manifests could not be read, or null
 */
public record ListedVersion(
        String layerName,
        long version,
        String layerVersionArn,
        String createdDate,
        String description,
        List<String> compatibleRuntimes,
        List<LayerVersionPolicy.Statement> grants,
        List<LayerManifest> manifests,
        String manifestProblem) {
}
