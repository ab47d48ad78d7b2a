package dev.mtlscli.layer;

import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.secrets.PasswordParameters;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What a service's layer would hold, for `layer publish --dry-run`: its files with their sizes
 * and SHA-256 digests, and the SSM parameters its manifest would pin. A dry run calls nothing,
 * so it cannot know which versions those will be: publish reuses the newest version of a
 * parameter when it already holds the password and otherwise puts a new one (version 1 for a new
 * parameter). The stores are known exactly; the manifest is shown as it is on a first publish,
 * with both parameters new at version 1.
 */
public record PlannedLayer(String service, String layerName, List<PlannedFile> files, List<String> parameters) {

    /** @param dependsOnVersions whether the content changes with the versions the manifest pins */
    public record PlannedFile(String path, long size, String sha256, boolean dependsOnVersions) {
    }

    public static final long FIRST_VERSION = 1;

    public static PlannedLayer of(LayerMaterial material, String parameterPrefix, PublishOptions options) {
        String keyStoreParameter = parameterPrefix + PasswordParameters.KEYSTORE;
        String trustStoreParameter = parameterPrefix + PasswordParameters.TRUSTSTORE;
        LayerManifest manifest = LayerPackager.manifest(material, new ParameterRef(keyStoreParameter, FIRST_VERSION),
                new ParameterRef(trustStoreParameter, FIRST_VERSION));
        List<PlannedFile> files = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : LayerPackager.files(material, manifest).entrySet()) {
            files.add(new PlannedFile(file.getKey(), file.getValue().length, sha256(file.getValue()),
                    file.getKey().endsWith("/" + LayerManifest.FILE_NAME)));
        }
        return new PlannedLayer(material.service(), options.layerName(material.service()), files,
                List.of(keyStoreParameter, trustStoreParameter));
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
