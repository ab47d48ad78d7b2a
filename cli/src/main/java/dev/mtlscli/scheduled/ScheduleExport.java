package dev.mtlscli.scheduled;

import dev.mtlscli.MtlsException;
import dev.mtlscli.store.KeyStoreFiles;
import dev.mtlscli.workspace.ExistingWorkspace;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The desired state of a service, taken from a workspace: its CA as AWS holds it (refused for a
 * local CA, {@link ScheduledIssuer#of}) and the anchors of its truststore. Only certificates leave
 * the workspace; passwords and keys stay in it.
 */
public final class ScheduleExport {
    private ScheduleExport() {
    }

    /** What the person scheduling says about the consumers and the policy. */
    public record Choices(String layerName, String parameterPrefix, String ssmKmsKeyId, List<String> functions,
                          Map<String, String> functionTags, List<DesiredState.Target> targets, Integer renewAtPercent,
                          Integer jitterPercent, int canary, boolean verifyInvoke, Integer pruneGraceDays) {

        /** Without a retention policy: the rotator prunes nothing. */
        public Choices(String layerName, String parameterPrefix, String ssmKmsKeyId, List<String> functions,
                       Map<String, String> functionTags, List<DesiredState.Target> targets, Integer renewAtPercent,
                       Integer jitterPercent, int canary, boolean verifyInvoke) {
            this(layerName, parameterPrefix, ssmKmsKeyId, functions, functionTags, targets, renewAtPercent, jitterPercent, canary,
                    verifyInvoke, null);
        }
    }

    public static DesiredState from(ExistingWorkspace workspace, String service, Choices choices) {
        ScheduledIssuer issuer = ScheduledIssuer.of(workspace, service);
        return new DesiredState(service, choices.layerName(), choices.parameterPrefix(), choices.ssmKmsKeyId(), issuer,
                trustAnchors(workspace, service), choices.functions(), choices.functionTags(), choices.targets(),
                choices.renewAtPercent(), choices.jitterPercent(), choices.canary(), choices.verifyInvoke(),
                choices.pruneGraceDays());
    }

    /** The trusted certificates of the service's truststore, in alias order (a truststore holds no key). */
    static List<X509Certificate> trustAnchors(ExistingWorkspace workspace, String service) {
        String file = workspace.trustStore(service);
        KeyStore store = KeyStoreFiles.load(workspace.read(file), workspace.storeType(), workspace.passwords().get(file),
                workspace.path(file).toString());
        List<X509Certificate> anchors = new ArrayList<>();
        try {
            List<String> aliases = Collections.list(store.aliases());
            Collections.sort(aliases);
            for (String alias : aliases) {
                if (!store.isCertificateEntry(alias)) {
                    throw new MtlsException(service + ": " + file + " holds a key entry '" + alias + "'; a truststore holds certificates only");
                }
                Certificate certificate = store.getCertificate(alias);
                if (certificate instanceof X509Certificate x509) {
                    anchors.add(x509);
                }
            }
        } catch (KeyStoreException e) {
            throw new MtlsException(service + ": cannot read " + file + ": " + e.getMessage());
        }
        return anchors;
    }
}
