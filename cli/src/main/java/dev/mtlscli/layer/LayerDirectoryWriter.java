package dev.mtlscli.layer;

import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.secrets.PasswordParameters;
import dev.mtlscli.store.SecureFiles;
import dev.mtlscli.workspace.ExistingWorkspace;
import dev.mtlscli.workspace.OutputKind;
import dev.mtlscli.workspace.OutputTarget;
import dev.mtlscli.workspace.StagedDirectory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the content of Lambda layers for the services of a workspace, in the layout the
 * runtime reads (&lt;dir&gt;/mtls/&lt;service&gt;/keystore.*, truststore.*, manifest.json), the same
 * files {@link LayerPackager} puts in a published layer: never a password, a CA key or a server key.
 * One path for every workspace, created, imported or existing: the material is read back from the
 * workspace's files and checked as `layer publish` checks it ({@link MaterialCheck}).
 */
public final class LayerDirectoryWriter {
    private LayerDirectoryWriter() {
    }

    /** The refusals of a layer directory written with a workspace, before anything is made. */
    public static void checkOutputs(Path workspace, Path layerDirectory, boolean force) {
        OutputTarget.check(workspace, force, OutputKind.WORKSPACE);
        if (layerDirectory != null) {
            OutputTarget.checkDisjoint(workspace, "--out", layerDirectory, "--layer-dir");
            OutputTarget.check(layerDirectory, force, OutputKind.LAYER_DIRECTORY);
        }
    }

    /**
     * Commits a staged workspace, and with a layer directory writes the layer content of every
     * service from it first and commits both as one step: both appear or neither.
     *
     * @return the layer files written, relative to the layer directory (empty without one)
     */
    public static List<String> commitWith(StagedDirectory workspace, Path layerDirectory, boolean force) {
        return commitWith(workspace, layerDirectory, force, List.of());
    }

    /** The same, with other staged directories (an offline root's) moved into place in the same step. */
    public static List<String> commitWith(StagedDirectory workspace, Path layerDirectory, boolean force, List<StagedDirectory> alongside) {
        if (layerDirectory == null) {
            StagedDirectory.commitTogether(concat(alongside, List.of(workspace)));
            return List.of();
        }
        try (StagedDirectory layer = StagedDirectory.open(layerDirectory, force, OutputKind.LAYER_DIRECTORY)) {
            ExistingWorkspace staged = ExistingWorkspace.open(workspace.path());
            List<String> files = writeInto(staged, staged.services(), layer.path());
            StagedDirectory.commitTogether(concat(alongside, List.of(layer, workspace)));
            return files;
        }
    }

    private static List<StagedDirectory> concat(List<StagedDirectory> first, List<StagedDirectory> second) {
        List<StagedDirectory> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /**
     * The layer directory of services of an existing workspace (`layer build`), written
     * atomically; the workspace is not changed.
     */
    public static List<String> write(ExistingWorkspace workspace, List<String> services, Path layerDirectory, boolean force) {
        OutputTarget.checkDisjoint(workspace.directory(), "--workspace", layerDirectory, "--layer-dir");
        try (StagedDirectory layer = StagedDirectory.open(layerDirectory, force, OutputKind.LAYER_DIRECTORY)) {
            List<String> files = writeInto(workspace, services, layer.path());
            layer.commit();
            return files;
        }
    }

    /** @return the written files, relative to the (staged) layer directory */
    private static List<String> writeInto(ExistingWorkspace workspace, List<String> services, Path layerDirectory) {
        // the renewal window is publish's policy; a local layer of a valid certificate is still worth testing
        MaterialCheck check = new MaterialCheck(Instant.now(), Duration.ZERO, true);
        List<String> written = new ArrayList<>();
        for (String service : services) {
            LayerMaterial material = check.check(workspace, service);
            LayerManifest manifest = LayerPackager.manifest(material,
                    firstVersion(service, PasswordParameters.KEYSTORE), firstVersion(service, PasswordParameters.TRUSTSTORE));
            Map<String, byte[]> files = LayerPackager.files(material, manifest);
            // Lambda unpacks layers readable by the function's user, which is not the owner, so the
            // layer's keystore is 0644 there; it is protected by its password from SSM, not by mode.
            files.forEach((path, bytes) -> SecureFiles.writePublic(layerDirectory.resolve(path), out -> out.write(bytes)));
            written.addAll(files.keySet());
        }
        return written;
    }

    /** Where `layer publish` keeps a service's password by default; a local layer points at its first version. */
    public static ParameterRef firstVersion(String service, String password) {
        return new ParameterRef(PasswordParameters.DEFAULT_PREFIX.replace("{service}", service) + password, 1);
    }
}
