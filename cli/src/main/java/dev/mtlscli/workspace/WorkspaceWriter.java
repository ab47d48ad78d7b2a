package dev.mtlscli.workspace;

import dev.mtlscli.store.KeyStoreFiles;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.PemFiles;
import dev.mtlscli.store.SecureFiles;
import dev.mtlscli.store.StoreType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes issued material into a (staging) directory in the {@link WorkspaceLayout} and records
 * each file with its role. Services may be written from several threads at once: the
 * passwords are all assigned before writing starts and only read here.
 */
final class WorkspaceWriter {
    private final Path root;
    private final StoreType storeType;
    private final PasswordFile passwords;
    private final SecureRandom random;

    WorkspaceWriter(Path root, StoreType storeType, PasswordFile passwords, SecureRandom random) {
        this.root = root;
        this.storeType = storeType;
        this.passwords = passwords;
        this.random = random;
    }

    /** The files whose passwords a workspace of these services needs. */
    static List<String> protectedFiles(List<String> services, StoreType storeType, boolean withCaKeys, boolean sharedTrustStore) {
        List<String> files = new ArrayList<>();
        for (String service : services) {
            if (withCaKeys) {
                files.add(WorkspaceLayout.caKey(service));
            }
            files.add(WorkspaceLayout.clientKeyStore(service, storeType));
            if (!sharedTrustStore) {
                files.add(WorkspaceLayout.clientTrustStore(service, storeType));
            }
        }
        if (sharedTrustStore) {
            files.add(WorkspaceLayout.sharedClientTrustStore(storeType));
        }
        return files;
    }

    List<WrittenFile> writeService(ServiceMaterial material) {
        String name = material.service().name();
        List<X509Certificate> caCertificates = material.caCertificates();
        List<WrittenFile> written = new ArrayList<>();

        SecureFiles.createDirectory(root.resolve(WorkspaceLayout.caKey(name)).getParent(), SecureFiles.PRIVATE_DIR);
        String caCert = WorkspaceLayout.caCertificate(name);
        PemFiles.writeCertificates(root.resolve(caCert), caCertificates);
        written.add(new WrittenFile(caCert, FileRole.CA_CERTIFICATE, name));
        if (material.caKey() != null) {
            String caKey = WorkspaceLayout.caKey(name);
            PemFiles.writeEncryptedPrivateKey(root.resolve(caKey), material.caKey(), passwords.get(caKey), random);
            written.add(new WrittenFile(caKey, FileRole.CA_KEY, name));
        }
        if (material.caArn() != null) {
            written.add(writeLine(WorkspaceLayout.caArn(name), material.caArn(), FileRole.CA_ARN, name));
        }
        if (material.kmsKeyArn() != null) {
            written.add(writeLine(WorkspaceLayout.caKmsKey(name), material.kmsKeyArn(), FileRole.CA_KMS_KEY, name));
        }

        String serverCert = WorkspaceLayout.serverCertificate(name);
        PemFiles.writeCertificates(root.resolve(serverCert), material.serverChain().subList(0, 1));
        written.add(new WrittenFile(serverCert, FileRole.SERVER_CERTIFICATE, name));
        String serverChain = WorkspaceLayout.serverChain(name);
        PemFiles.writeCertificates(root.resolve(serverChain), material.serverChain());
        written.add(new WrittenFile(serverChain, FileRole.SERVER_CHAIN, name));
        String serverKey = WorkspaceLayout.serverKey(name);
        PemFiles.writePrivateKey(root.resolve(serverKey), material.serverKey());
        written.add(new WrittenFile(serverKey, FileRole.SERVER_KEY, name));
        String clientCa = WorkspaceLayout.serverClientCa(name);
        PemFiles.writeCertificates(root.resolve(clientCa), material.clientCaBundle());
        written.add(new WrittenFile(clientCa, FileRole.SERVER_CLIENT_CA, name));

        String keyStore = WorkspaceLayout.clientKeyStore(name, storeType);
        KeyStoreFiles.writeKeyStore(root.resolve(keyStore), storeType, name, material.clientKey(),
                material.clientChain(), passwords.get(keyStore));
        written.add(new WrittenFile(keyStore, FileRole.CLIENT_KEYSTORE, name));
        return written;
    }

    private WrittenFile writeLine(String file, String text, FileRole role, String service) {
        byte[] line = (text + "\n").getBytes(StandardCharsets.US_ASCII);
        SecureFiles.writePublic(root.resolve(file), out -> out.write(line));
        return new WrittenFile(file, role, service);
    }

    /** A service's clients' truststore: its CA only, alias "&lt;service&gt;-ca". */
    WrittenFile writeTrustStore(String service, X509Certificate ca) {
        String trustStore = WorkspaceLayout.clientTrustStore(service, storeType);
        KeyStoreFiles.writeTrustStore(root.resolve(trustStore), storeType, Map.of(service + "-ca", ca), passwords.get(trustStore));
        return new WrittenFile(trustStore, FileRole.CLIENT_TRUSTSTORE, service);
    }

    /** The shared truststore ("sharedTrustStore": true): the CA of every service, alias "&lt;service&gt;-ca". */
    WrittenFile writeSharedTrustStore(Map<String, X509Certificate> caByService) {
        String trustStore = WorkspaceLayout.sharedClientTrustStore(storeType);
        Map<String, X509Certificate> anchors = new LinkedHashMap<>();
        caByService.forEach((service, ca) -> anchors.put(service + "-ca", ca));
        KeyStoreFiles.writeTrustStore(root.resolve(trustStore), storeType, anchors, passwords.get(trustStore));
        return new WrittenFile(trustStore, FileRole.CLIENT_TRUSTSTORE, null);
    }

    WrittenFile writePasswords() {
        String file = WorkspaceLayout.passwords();
        passwords.write(root.resolve(file));
        return new WrittenFile(file, FileRole.PASSWORDS, null);
    }
}
