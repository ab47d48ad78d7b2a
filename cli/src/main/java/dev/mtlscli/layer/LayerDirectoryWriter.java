package dev.mtlscli.layer;

import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.secrets.PasswordParameters;
import dev.mtlscli.store.BoundedReads;
import dev.mtlscli.store.SecureFiles;
import dev.mtlscli.store.StoreType;
import dev.mtlscli.workspace.CreateResult;
import dev.mtlscli.workspace.FileRole;
import dev.mtlscli.workspace.WorkspaceLayout;
import dev.mtlscli.workspace.WrittenFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the content of Lambda layers for the services of a workspace, in the layout the
 * runtime reads (&lt;dir&gt;/mtls/&lt;service&gt;/keystore.*, truststore.*, manifest.json), the same
 * files {@link LayerPackager} puts in a published layer: never a password, a CA key or a server key.
 */
public final class LayerDirectoryWriter {
    private LayerDirectoryWriter() {
    }

    /**
     * Writes the layer content of a (staged) workspace into a (staged) layer directory; the caller
     * commits both together.
     *
     * @return the written files, relative to the layer directory
     */
    public static List<String> writeInto(CreateResult workspace, StoreType storeType, Path layerDirectory) {
        List<String> written = new ArrayList<>();
        for (CreateResult.ServiceSummary service : workspace.services()) {
            LayerManifest manifest = LayerPackager.manifest(service.name(), service.host(), storeType.jcaType(),
                    storeType.extension(), service.clientCertificate(),
                    firstVersion(service.name(), PasswordParameters.KEYSTORE),
                    firstVersion(service.name(), PasswordParameters.TRUSTSTORE));
            Map<String, byte[]> files = LayerPackager.files(manifest,
                    read(workspace.directory().resolve(WorkspaceLayout.clientKeyStore(service.name(), storeType))),
                    read(workspace.directory().resolve(trustStore(workspace, service.name()))));
            // Lambda unpacks layers readable by the function's user, which is not the owner, so the
            // layer's keystore is 0644 there; it is protected by its password from SSM, not by mode.
            files.forEach((path, bytes) -> SecureFiles.writePublic(layerDirectory.resolve(path), out -> out.write(bytes)));
            written.addAll(files.keySet());
        }
        return written;
    }

    /** The service's own truststore, else the shared one ("sharedTrustStore": true). */
    private static String trustStore(CreateResult workspace, String service) {
        String shared = null;
        for (WrittenFile file : workspace.files()) {
            if (file.role() == FileRole.CLIENT_TRUSTSTORE) {
                if (service.equals(file.service())) {
                    return file.path();
                }
                if (file.service() == null) {
                    shared = file.path();
                }
            }
        }
        if (shared == null) {
            throw new IllegalStateException("the workspace written has no truststore for " + service);
        }
        return shared;
    }

    /** Where `layer publish` keeps a service's password by default; a local layer points at its first version. */
    public static ParameterRef firstVersion(String service, String password) {
        return new ParameterRef(PasswordParameters.DEFAULT_PREFIX.replace("{service}", service) + password, 1);
    }

    private static byte[] read(Path file) {
        return BoundedReads.read(file, BoundedReads.MATERIAL, "store");
    }
}
