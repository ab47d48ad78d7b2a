package dev.mtlscli.layer;

import dev.mtlscli.pki.Fingerprints;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.LayerManifests;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.runtime.layer.StoreRef;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files of a service's layer, in the layout the runtime reads (mtls/&lt;service&gt;/keystore,
 * truststore, manifest.json): only the client stores and the manifest. The passwords stay out;
 * the manifest names the SSM parameter versions that hold them.
 */
public final class LayerPackager {
    private LayerPackager() {
    }

    public static LayerManifest manifest(LayerMaterial material, ParameterRef keyStorePassword, ParameterRef trustStorePassword) {
        return new LayerManifest(LayerManifest.VERSION, material.service(), material.host(),
                new StoreRef(keyStoreFile(material), material.storeType(), keyStorePassword),
                new StoreRef(trustStoreFile(material), material.storeType(), trustStorePassword),
                material.notAfter(), Fingerprints.sha256(material.clientCertificate()));
    }

    /** @return content by path inside the layer */
    public static Map<String, byte[]> files(LayerMaterial material, LayerManifest manifest) {
        String directory = "mtls/" + material.service() + "/";
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(directory + keyStoreFile(material), material.keyStore());
        files.put(directory + trustStoreFile(material), material.trustStore());
        files.put(directory + LayerManifest.FILE_NAME, LayerManifests.toJson(manifest));
        return files;
    }

    public static LayerZip zip(LayerMaterial material, ParameterRef keyStorePassword, ParameterRef trustStorePassword) {
        return LayerZip.of(files(material, manifest(material, keyStorePassword, trustStorePassword)));
    }

    private static String keyStoreFile(LayerMaterial material) {
        return "keystore." + material.storeExtension();
    }

    private static String trustStoreFile(LayerMaterial material) {
        return "truststore." + material.storeExtension();
    }
}
