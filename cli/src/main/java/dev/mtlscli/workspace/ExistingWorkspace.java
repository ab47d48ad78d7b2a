package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsNames;
import dev.mtlscli.pki.CertificateHost;
import dev.mtlscli.store.BoundedReads;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.PemFiles;
import dev.mtlscli.store.StoreType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A workspace that `certs create` wrote, opened for the commands that work from it (layer
 * publish, rotate). What it holds is read from the files themselves, in the
 * {@link WorkspaceLayout}: the services are the client directories with a keystore, the store
 * type is the truststore's.
 */
public final class ExistingWorkspace {
    private final Path directory;
    private final StoreType storeType;
    private final List<String> services;
    private PasswordFile passwords;

    private ExistingWorkspace(Path directory, StoreType storeType, List<String> services) {
        this.directory = directory;
        this.storeType = storeType;
        this.services = services;
    }

    public static ExistingWorkspace open(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new MtlsException("workspace " + directory + " does not exist (create it with 'mtls-cli certs create --out "
                    + directory + "')");
        }
        Path clients = directory.resolve("clients");
        if (!Files.isDirectory(clients) || !Files.isRegularFile(directory.resolve(WorkspaceLayout.passwords()))) {
            throw new MtlsException(directory + " is not an mtls-cli workspace (no clients/ or " + WorkspaceLayout.passwords() + ")");
        }
        for (StoreType type : StoreType.values()) {
            List<String> services = servicesWithKeyStore(directory, clients, type);
            if (!services.isEmpty()) {
                ExistingWorkspace workspace = new ExistingWorkspace(directory, type, services);
                services.forEach(workspace::trustStore);
                return workspace;
            }
        }
        throw new MtlsException(directory + " holds no client keystore (clients/<service>/keystore.p12 or .jks)");
    }

    private static List<String> servicesWithKeyStore(Path directory, Path clients, StoreType type) {
        List<String> services = new ArrayList<>();
        try (Stream<Path> entries = Files.list(clients)) {
            entries.filter(Files::isDirectory)
                    .map(path -> path.getFileName().toString())
                    .filter(name -> Files.isRegularFile(directory.resolve(WorkspaceLayout.clientKeyStore(name, type))))
                    .sorted()
                    .forEach(services::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + clients + ": " + e.getMessage(), e);
        }
        return List.copyOf(services);
    }

    /**
     * The truststore a service's clients get: its own (clients/&lt;service&gt;/truststore.*), or the
     * shared one of a workspace that has no per-service truststores (written before they existed,
     * or with "sharedTrustStore": true).
     */
    public String trustStore(String service) {
        String own = WorkspaceLayout.clientTrustStore(service, storeType);
        if (Files.isRegularFile(path(own))) {
            return own;
        }
        String shared = WorkspaceLayout.sharedClientTrustStore(storeType);
        if (Files.isRegularFile(path(shared))) {
            return shared;
        }
        throw new MtlsException(directory + " has no truststore for service '" + service + "' (" + own + ")");
    }

    /** Whether the service's clients share one truststore with the other services' clients. */
    public boolean sharesTrustStore(String service) {
        return trustStore(service).equals(WorkspaceLayout.sharedClientTrustStore(storeType));
    }

    public Path directory() {
        return directory;
    }

    public StoreType storeType() {
        return storeType;
    }

    public List<String> services() {
        return services;
    }

    /** The services asked for, all of them when none is named; an unknown name is refused. */
    public List<String> select(Collection<String> names) {
        if (names == null || names.isEmpty()) {
            return services;
        }
        for (String name : names) {
            if (!services.contains(name)) {
                throw new MtlsException("service '" + name + "' is not in workspace " + directory + " (it has "
                        + String.join(", ", services) + ")");
            }
        }
        return services.stream().filter(names::contains).toList();
    }

    public Path path(String relative) {
        return directory.resolve(relative);
    }

    public byte[] read(String relative) {
        return BoundedReads.read(path(relative), BoundedReads.MATERIAL, "workspace file");
    }

    public synchronized PasswordFile passwords() {
        if (passwords == null) {
            passwords = PasswordFile.read(path(WorkspaceLayout.passwords()));
        }
        return passwords;
    }

    /**
     * Replaces passwords.json (atomically, 0600) and makes it what {@link #passwords()} answers,
     * for the commands that change a workspace (renewal, CA rollover). Callers hold the lock of
     * this object across their read, change and write of the passwords.
     */
    synchronized void writePasswords(PasswordFile updated) {
        updated.write(path(WorkspaceLayout.passwords()));
        passwords = updated;
    }

    /**
     * The ARN of the ACM Private CA that issued a service's certificates, as `certs create --ca
     * acm-pca` recorded it; empty for a local CA (and for workspaces written before it was recorded).
     */
    public Optional<String> caArn(String service) {
        Path file = path(WorkspaceLayout.caArn(service));
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String arn = new String(read(WorkspaceLayout.caArn(service)), StandardCharsets.US_ASCII).trim();
        try {
            return Optional.of(AwsNames.caArn(arn).arn());
        } catch (MtlsException e) {
            throw new MtlsException(file + ": " + e.getMessage());
        }
    }

    /**
     * The ARN of the KMS key that is the service's CA key, as `certs create --ca aws-kms`
     * recorded it; empty for any other CA.
     */
    public Optional<String> caKmsKey(String service) {
        return kmsKeyArn(WorkspaceLayout.caKmsKey(service));
    }

    /** The KMS key ARN a file of the workspace holds (one line), empty when there is no such file. */
    public Optional<String> kmsKeyArn(String relative) {
        Path file = path(relative);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String arn = new String(read(relative), StandardCharsets.US_ASCII).trim();
        if (!arn.startsWith("arn:") || !arn.contains(":key/")) {
            throw new MtlsException(file + ": expected the ARN of a KMS key (arn:aws:kms:REGION:ACCOUNT:key/ID), not '" + arn + "'");
        }
        try {
            return Optional.of(AwsNames.kmsKeyId(arn));
        } catch (MtlsException e) {
            throw new MtlsException(file + ": " + e.getMessage());
        }
    }

    public List<X509Certificate> certificates(String relative) {
        String text = new String(read(relative), StandardCharsets.US_ASCII);
        List<X509Certificate> certificates = PemFiles.read(text, path(relative).toString(), null).certificates();
        if (certificates.isEmpty()) {
            throw new MtlsException(path(relative) + " holds no certificate");
        }
        return certificates;
    }

    /**
     * The backend host a service's clients call: the first DNS name (else IP address, else CN) of
     * its server certificate; `certs create` puts the spec's host first.
     */
    public String host(String service) {
        X509Certificate server = certificates(WorkspaceLayout.serverCertificate(service)).get(0);
        return CertificateHost.of(server, path(WorkspaceLayout.serverCertificate(service)).toString());
    }
}
