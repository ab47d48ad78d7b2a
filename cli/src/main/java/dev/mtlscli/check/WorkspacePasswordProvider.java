package dev.mtlscli.check;

import dev.mtlscli.layer.LayerDirectoryWriter;
import dev.mtlscli.runtime.MtlsRuntimeException;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.runtime.secrets.PasswordProvider;
import dev.mtlscli.secrets.PasswordParameters;
import dev.mtlscli.workspace.ExistingWorkspace;
import dev.mtlscli.workspace.WorkspaceLayout;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The passwords of a local layer directory ({@link LayerDirectoryWriter}) from the workspace's
 * passwords.json, in place of SSM: the parameters its manifests pin are the names `layer
 * publish` would store each password under, so the runtime reads them as it would in Lambda.
 */
final class WorkspacePasswordProvider implements PasswordProvider {
    private final Map<ParameterRef, String> files = new LinkedHashMap<>();
    private final ExistingWorkspace workspace;

    WorkspacePasswordProvider(ExistingWorkspace workspace, Collection<String> services) {
        this.workspace = workspace;
        for (String service : services) {
            files.put(LayerDirectoryWriter.firstVersion(service, PasswordParameters.KEYSTORE),
                    WorkspaceLayout.clientKeyStore(service, workspace.storeType()));
            files.put(LayerDirectoryWriter.firstVersion(service, PasswordParameters.TRUSTSTORE), workspace.trustStore(service));
        }
    }

    @Override
    public Map<ParameterRef, char[]> passwords(Collection<ParameterRef> parameters) {
        Map<ParameterRef, char[]> found = new LinkedHashMap<>();
        for (ParameterRef parameter : parameters) {
            String file = files.get(parameter);
            if (file == null) {
                throw new MtlsRuntimeException("the layer's manifest pins " + parameter.selector()
                        + ", which is not a password of the workspace's local layer");
            }
            found.put(parameter, workspace.passwords().get(file).clone());
        }
        return found;
    }
}
