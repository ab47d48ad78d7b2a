package dev.mtlscli.layer;

import dev.mtlscli.pki.Fingerprints;
import dev.mtlscli.runtime.layer.LayerLayout;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.LayerManifests;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.runtime.layer.StoreRef;
import dev.mtlscli.store.SecureFiles;
import dev.mtlscli.store.StoreType;
import dev.mtlscli.workspace.CreateResult;
import dev.mtlscli.workspace.StagedDirectory;
import dev.mtlscli.workspace.WorkspaceLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the content of Lambda layers for the services of a workspace, in the layout the
 * runtime reads (&lt;dir&gt;/mtls/&lt;service&gt;/keystore.*, truststore.*, manifest.json). Only the
 * client stores go in: never a password, a CA key or a server key.
 */
public final class LayerDirectoryWriter {
    /** Where `layer publish` will keep the passwords; a local layer points at their first versions. */
    public static final String PARAMETER_PREFIX = "/mtls/";

    private LayerDirectoryWriter() {
    }

    /** @return the written files, relative to the layer directory */
    public static List<String> write(CreateResult workspace, StoreType storeType, Path layerDirectory, boolean force) {
        List<String> written = new ArrayList<>();
        try (StagedDirectory staged = StagedDirectory.open(layerDirectory, force)) {
            for (CreateResult.ServiceSummary service : workspace.services()) {
                Path serviceDirectory = LayerLayout.serviceDirectory(staged.path(), service.name());
                String keyStoreFile = "keystore." + storeType.extension();
                String trustStoreFile = "truststore." + storeType.extension();
                copy(workspace.directory().resolve(WorkspaceLayout.clientKeyStore(service.name(), storeType)),
                        serviceDirectory.resolve(keyStoreFile));
                copy(workspace.directory().resolve(WorkspaceLayout.clientTrustStore(storeType)),
                        serviceDirectory.resolve(trustStoreFile));
                LayerManifest manifest = new LayerManifest(LayerManifest.VERSION, service.name(), service.host(),
                        new StoreRef(keyStoreFile, storeType.jcaType(), firstVersion(service.name(), "keystore-password")),
                        new StoreRef(trustStoreFile, storeType.jcaType(), firstVersion(service.name(), "truststore-password")),
                        service.clientCertificate().getNotAfter().toInstant(),
                        Fingerprints.sha256(service.clientCertificate()));
                byte[] json = LayerManifests.toJson(manifest);
                SecureFiles.writePublic(serviceDirectory.resolve(LayerManifest.FILE_NAME), out -> out.write(json));
                String prefix = "mtls/" + service.name() + "/";
                written.add(prefix + keyStoreFile);
                written.add(prefix + trustStoreFile);
                written.add(prefix + LayerManifest.FILE_NAME);
            }
            staged.commit();
        }
        return written;
    }

    public static ParameterRef firstVersion(String service, String password) {
        return new ParameterRef(PARAMETER_PREFIX + service + "/" + password, 1);
    }

    /**
     * Lambda unpacks layers readable by the function's user, which is not the owner, so the
     * layer's keystore is 0644 there; it is protected by its password from SSM, not by mode.
     */
    private static void copy(Path from, Path to) {
        try {
            byte[] bytes = Files.readAllBytes(from);
            SecureFiles.writePublic(to, out -> out.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + ": " + e.getMessage(), e);
        }
    }
}
