package dev.mtlscli.workspace;

import dev.mtlscli.pki.CertificateProfile;
import dev.mtlscli.pki.KeyAlgorithm;
import dev.mtlscli.pki.LeafRequest;
import dev.mtlscli.pki.LocalCertificateAuthority;
import dev.mtlscli.spec.ResolvedSpec;
import dev.mtlscli.store.KeyStoreFiles;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.PasswordGenerator;
import dev.mtlscli.store.PemFiles;
import dev.mtlscli.store.StoreType;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The core of `certs create`: issues the material of every service of a spec with local root
 * CAs and writes it as a workspace (see {@link WorkspaceLayout}) that appears atomically.
 */
public final class CertsCreator {
    private final SecureRandom random;

    public CertsCreator(SecureRandom random) {
        this.random = random;
    }

    /**
     * @param suppliedPasswords passwords to use instead of generated ones, keyed like passwords.json
     */
    public CreateResult create(ResolvedSpec spec, Path out, boolean force, PasswordFile suppliedPasswords) {
        try (StagedDirectory staged = StagedDirectory.open(out, force)) {
            List<ServiceMaterial> materials = issueAll(spec);
            List<WrittenFile> files = new WorkspaceWriter(staged.path(), spec.storeType(), suppliedPasswords,
                    random).write(materials);
            staged.commit();
            return new CreateResult(staged.target(), files, materials.stream().map(CertsCreator::summary).toList());
        }
    }

    /**
     * Key generation dominates for RSA, so the services are issued in parallel; each one
     * has its own CA, so they share nothing.
     */
    private List<ServiceMaterial> issueAll(ResolvedSpec spec) {
        Instant now = Instant.now();
        return spec.services().parallelStream().map(service -> issue(service, now)).toList();
    }

    private ServiceMaterial issue(ResolvedSpec.Service service, Instant now) {
        KeyAlgorithm algorithm = service.keyAlgorithm();
        LocalCertificateAuthority ca = LocalCertificateAuthority.createRoot(
                service.ca().subject(), algorithm, service.ca().validityDays(), now, random);
        KeyPair serverKeys = algorithm.generate(random);
        List<X509Certificate> serverChain = ca.issue(new LeafRequest(service.server().subject(), CertificateProfile.SERVER,
                serverKeys, service.server().validityDays(), service.dnsNames(), service.ipAddresses()));
        KeyPair clientKeys = algorithm.generate(random);
        List<X509Certificate> clientChain = ca.issue(new LeafRequest(service.client().subject(), CertificateProfile.CLIENT,
                clientKeys, service.client().validityDays(), List.of(), List.of()));
        return new ServiceMaterial(service, ca, serverKeys.getPrivate(), serverChain, clientKeys.getPrivate(), clientChain);
    }

    private static CreateResult.ServiceSummary summary(ServiceMaterial material) {
        return new CreateResult.ServiceSummary(material.service().name(), material.service().host(),
                material.service().keyAlgorithm().id(), material.ca().rootCertificate(),
                material.serverChain().get(0), material.clientChain().get(0));
    }

    /** Writes issued material into a (staging) directory and records each file with its role. */
    private static final class WorkspaceWriter {
        private final Path root;
        private final StoreType storeType;
        private final PasswordFile passwords;
        private final PasswordGenerator generator;
        private final SecureRandom random;
        private final List<WrittenFile> written = new ArrayList<>();

        WorkspaceWriter(Path root, StoreType storeType, PasswordFile passwords, SecureRandom random) {
            this.root = root;
            this.storeType = storeType;
            this.passwords = passwords;
            this.generator = new PasswordGenerator(random);
            this.random = random;
        }

        List<WrittenFile> write(List<ServiceMaterial> materials) {
            Map<String, X509Certificate> trustAnchors = new LinkedHashMap<>();
            for (ServiceMaterial material : materials) {
                writeService(material);
                trustAnchors.put(material.service().name() + "-ca", material.ca().rootCertificate());
            }
            String trustStore = WorkspaceLayout.clientTrustStore(storeType);
            KeyStoreFiles.writeTrustStore(root.resolve(trustStore), storeType, trustAnchors, password(trustStore));
            record(trustStore, FileRole.CLIENT_TRUSTSTORE, null);

            String passwordFile = WorkspaceLayout.passwords();
            passwords.restrictTo(written.stream().map(WrittenFile::path).toList()).write(root.resolve(passwordFile));
            record(passwordFile, FileRole.PASSWORDS, null);
            return List.copyOf(written);
        }

        private void writeService(ServiceMaterial material) {
            String name = material.service().name();
            X509Certificate caCertificate = material.ca().rootCertificate();

            String caCert = WorkspaceLayout.caCertificate(name);
            PemFiles.writeCertificates(root.resolve(caCert), List.of(caCertificate));
            record(caCert, FileRole.CA_CERTIFICATE, name);
            String caKey = WorkspaceLayout.caKey(name);
            PemFiles.writeEncryptedPrivateKey(root.resolve(caKey), material.ca().keyPair().getPrivate(), password(caKey), random);
            record(caKey, FileRole.CA_KEY, name);

            String serverCert = WorkspaceLayout.serverCertificate(name);
            PemFiles.writeCertificates(root.resolve(serverCert), material.serverChain().subList(0, 1));
            record(serverCert, FileRole.SERVER_CERTIFICATE, name);
            String serverChain = WorkspaceLayout.serverChain(name);
            PemFiles.writeCertificates(root.resolve(serverChain), material.serverChain());
            record(serverChain, FileRole.SERVER_CHAIN, name);
            String serverKey = WorkspaceLayout.serverKey(name);
            PemFiles.writePrivateKey(root.resolve(serverKey), material.serverKey());
            record(serverKey, FileRole.SERVER_KEY, name);
            String clientCa = WorkspaceLayout.serverClientCa(name);
            PemFiles.writeCertificates(root.resolve(clientCa), List.of(caCertificate));
            record(clientCa, FileRole.SERVER_CLIENT_CA, name);

            String keyStore = WorkspaceLayout.clientKeyStore(name, storeType);
            KeyStoreFiles.writeKeyStore(root.resolve(keyStore), storeType, name, material.clientKey(),
                    material.clientChain(), password(keyStore));
            record(keyStore, FileRole.CLIENT_KEYSTORE, name);
        }

        private char[] password(String relativePath) {
            return passwords.getOrGenerate(relativePath, generator);
        }

        private void record(String path, FileRole role, String service) {
            written.add(new WrittenFile(path, role, service));
        }
    }
}
