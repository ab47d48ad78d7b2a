package dev.mtlscli.layer;

import dev.mtlscli.pki.Fingerprints;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.LayerManifests;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.runtime.layer.StoreRef;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
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
        return manifest(material.service(), material.host(), material.storeType(), material.storeExtension(),
                material.clientCertificate(), keyStorePassword, trustStorePassword);
    }

    /**
     * The manifest of a service's layer directory.
     *
     * @param storeType      the KeyStore type of both stores (PKCS12, JKS)
     * @param storeExtension their file extension (p12, jks)
     */
    public static LayerManifest manifest(String service, String host, String storeType, String storeExtension,
                                         X509Certificate clientCertificate, ParameterRef keyStorePassword,
                                         ParameterRef trustStorePassword) {
        return new LayerManifest(LayerManifest.VERSION, service, host,
                new StoreRef(keyStoreFile(storeExtension), storeType, keyStorePassword),
                new StoreRef(trustStoreFile(storeExtension), storeType, trustStorePassword),
                clientCertificate.getNotAfter().toInstant(), Fingerprints.sha256(clientCertificate),
                der(clientCertificate));
    }

    private static String der(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode the client certificate", e);
        }
    }

    /** @return content by path inside the layer */
    public static Map<String, byte[]> files(LayerMaterial material, LayerManifest manifest) {
        return files(manifest, material.keyStore(), material.trustStore());
    }

    /** @return content by path inside the layer: the manifest's two stores and the manifest */
    public static Map<String, byte[]> files(LayerManifest manifest, byte[] keyStore, byte[] trustStore) {
        String directory = "mtls/" + manifest.service() + "/";
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(directory + manifest.keyStore().file(), keyStore);
        files.put(directory + manifest.trustStore().file(), trustStore);
        files.put(directory + LayerManifest.FILE_NAME, LayerManifests.toJson(manifest));
        return files;
    }

    public static LayerZip zip(LayerMaterial material, ParameterRef keyStorePassword, ParameterRef trustStorePassword) {
        return LayerZip.of(files(material, manifest(material, keyStorePassword, trustStorePassword)));
    }

    private static String keyStoreFile(String extension) {
        return "keystore." + extension;
    }

    private static String trustStoreFile(String extension) {
        return "truststore." + extension;
    }
}
