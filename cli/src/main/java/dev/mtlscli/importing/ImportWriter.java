package dev.mtlscli.importing;

import dev.mtlscli.layer.LayerDirectoryWriter;
import dev.mtlscli.store.KeyStoreFiles;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.PasswordGenerator;
import dev.mtlscli.store.PemFiles;
import dev.mtlscli.store.SecureFiles;
import dev.mtlscli.store.StoreType;
import dev.mtlscli.workspace.FileRole;
import dev.mtlscli.workspace.OutputKind;
import dev.mtlscli.workspace.StagedDirectory;
import dev.mtlscli.workspace.WorkspaceLayout;
import dev.mtlscli.workspace.WorkspaceLock;
import dev.mtlscli.workspace.WrittenFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes checked, imported material as a workspace in the layout `certs create` writes
 * ({@link WorkspaceLayout}), so that layer publish, status and rotate work on it unchanged.
 * Every store gets a generated password: the inputs' passwords (the sample's "secret") stay
 * behind. Written into a staging directory and renamed into place, like `certs create`.
 */
public final class ImportWriter {
    private final SecureRandom random;

    public ImportWriter(SecureRandom random) {
        this.random = random;
    }

    public record Written(List<WrittenFile> files, List<String> layerFiles) {
    }

    /**
     * With a layer directory (not null), also writes the layer content of every service into it,
     * as `certs create --layer-dir` does: both are checked first and appear together or not at all.
     */
    public Written write(ImportPlan plan, StoreType storeType, Path out, Path layerDirectory, boolean force) {
        LayerDirectoryWriter.checkOutputs(out, layerDirectory, force);
        List<String> protectedFiles = new ArrayList<>();
        for (ImportedService service : plan.services()) {
            if (service.hasCaKey()) {
                protectedFiles.add(WorkspaceLayout.caKey(service.name()));
            }
            protectedFiles.add(WorkspaceLayout.clientKeyStore(service.name(), storeType));
            protectedFiles.add(WorkspaceLayout.clientTrustStore(service.name(), storeType));
        }
        PasswordFile passwords = PasswordFile.empty().forFiles(protectedFiles, new PasswordGenerator(random));
        try (WorkspaceLock existing = WorkspaceLock.forReplacing(out, "certs import");
             StagedDirectory staged = StagedDirectory.open(out, force, OutputKind.WORKSPACE)) {
            List<WrittenFile> written = new ArrayList<>();
            for (ImportedService service : plan.services()) {
                written.addAll(writeService(staged.path(), service, storeType, passwords));
            }
            passwords.write(staged.path().resolve(WorkspaceLayout.passwords()));
            written.add(new WrittenFile(WorkspaceLayout.passwords(), FileRole.PASSWORDS, null));
            List<String> layerFiles = LayerDirectoryWriter.commitWith(staged, layerDirectory, force);
            return new Written(written, layerFiles);
        }
    }

    private List<WrittenFile> writeService(Path root, ImportedService service, StoreType storeType, PasswordFile passwords) {
        String name = service.name();
        List<WrittenFile> written = new ArrayList<>();
        SecureFiles.createDirectory(root.resolve(WorkspaceLayout.caCertificate(name)).getParent(), SecureFiles.PRIVATE_DIR);
        written.add(certificates(root, WorkspaceLayout.caCertificate(name), service.caChain(), FileRole.CA_CERTIFICATE, name));
        if (service.hasCaKey()) {
            String caKey = WorkspaceLayout.caKey(name);
            PemFiles.writeEncryptedPrivateKey(root.resolve(caKey), service.caKey(), passwords.get(caKey), random);
            written.add(new WrittenFile(caKey, FileRole.CA_KEY, name));
        } else if (service.caKmsKeyArn() != null) {
            // the same record `certs create --ca aws-kms` writes, so rotate, inspect and status treat both alike
            String record = WorkspaceLayout.caKmsKey(name);
            byte[] line = (service.caKmsKeyArn() + "\n").getBytes(StandardCharsets.US_ASCII);
            SecureFiles.writePublic(root.resolve(record), out -> out.write(line));
            written.add(new WrittenFile(record, FileRole.CA_KMS_KEY, name));
        } else {
            String record = WorkspaceLayout.caImported(name);
            byte[] text = ("imported by mtls-cli certs import without the key of " + service.caChain().get(0).getSubjectX500Principal().getName()
                    + "\n").getBytes(StandardCharsets.UTF_8);
            SecureFiles.writePublic(root.resolve(record), out -> out.write(text));
            written.add(new WrittenFile(record, FileRole.CA_IMPORTED, name));
        }

        written.add(certificates(root, WorkspaceLayout.serverCertificate(name), service.serverChain().subList(0, 1),
                FileRole.SERVER_CERTIFICATE, name));
        written.add(certificates(root, WorkspaceLayout.serverChain(name), service.serverChain(), FileRole.SERVER_CHAIN, name));
        written.add(certificates(root, WorkspaceLayout.serverClientCa(name), service.caChain(), FileRole.SERVER_CLIENT_CA, name));

        String keyStore = WorkspaceLayout.clientKeyStore(name, storeType);
        KeyStoreFiles.writeKeyStore(root.resolve(keyStore), storeType, name, service.clientKey(), service.clientChain(),
                passwords.get(keyStore));
        written.add(new WrittenFile(keyStore, FileRole.CLIENT_KEYSTORE, name));
        String trustStore = WorkspaceLayout.clientTrustStore(name, storeType);
        KeyStoreFiles.writeTrustStore(root.resolve(trustStore), storeType, Map.of(name + "-ca", service.serverRoot()),
                passwords.get(trustStore));
        written.add(new WrittenFile(trustStore, FileRole.CLIENT_TRUSTSTORE, name));
        return written;
    }

    private static WrittenFile certificates(Path root, String file, List<X509Certificate> certificates, FileRole role, String service) {
        PemFiles.writeCertificates(root.resolve(file), certificates);
        return new WrittenFile(file, role, service);
    }
}
