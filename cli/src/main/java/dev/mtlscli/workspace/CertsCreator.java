package dev.mtlscli.workspace;

import dev.mtlscli.layer.LayerDirectoryWriter;
import dev.mtlscli.pki.CertificateIssuer;
import dev.mtlscli.pki.CertificateProfile;
import dev.mtlscli.pki.KeyAlgorithm;
import dev.mtlscli.pki.LeafRequest;
import dev.mtlscli.spec.ResolvedSpec;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.PasswordGenerator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The core of `certs create`: issues the material of every service of a spec with the CAs of a
 * {@link CaSource} (local roots or ACM Private CA) and writes it as a workspace (see
 * {@link WorkspaceLayout}) that appears atomically.
 */
public final class CertsCreator {
    private final SecureRandom random;
    private final CaSource caSource;

    /** Issues with a new local root CA per service. */
    public CertsCreator(SecureRandom random) {
        this(random, new LocalCaSource(random));
    }

    public CertsCreator(SecureRandom random, CaSource caSource) {
        this.random = random;
        this.caSource = caSource;
    }

    /**
     * @param suppliedPasswords passwords to use instead of generated ones, keyed like passwords.json
     */
    public CreateResult create(ResolvedSpec spec, Path out, boolean force, PasswordFile suppliedPasswords) {
        return create(spec, out, null, force, suppliedPasswords);
    }

    /**
     * Also writes the layer content into {@code layerDirectory} when it is not null. Both outputs
     * are checked before anything is written and appear together or not at all.
     */
    public CreateResult create(ResolvedSpec spec, Path out, Path layerDirectory, boolean force, PasswordFile suppliedPasswords) {
        checkOutputs(out, layerDirectory, force);
        List<String> serviceNames = spec.services().stream().map(ResolvedSpec.Service::name).toList();
        var protectedFiles = WorkspaceWriter.protectedFiles(serviceNames, spec.storeType(), caSource.keepsCaKey(),
                spec.sharedTrustStore());
        suppliedPasswords.checkOnlyFor(protectedFiles, "the password file");
        PasswordFile passwords = suppliedPasswords.forFiles(protectedFiles, new PasswordGenerator(random));
        try (WorkspaceLock existing = WorkspaceLock.forReplacing(out, "certs create");
             StagedDirectory staged = StagedDirectory.open(out, force, OutputKind.WORKSPACE)) {
            WorkspaceWriter writer = new WorkspaceWriter(staged.path(), spec.storeType(), passwords, random);
            Instant now = Instant.now();
            List<IssuedService> issued = inParallel(spec.services(), service -> {
                ServiceMaterial material = issue(service, now);
                return new IssuedService(material, writer.writeService(material));
            });

            List<WrittenFile> files = new ArrayList<>();
            Map<String, X509Certificate> cas = new LinkedHashMap<>();
            for (IssuedService service : issued) {
                files.addAll(service.files());
                String name = service.material().service().name();
                cas.put(name, service.material().caRoot());
                if (!spec.sharedTrustStore()) {
                    files.add(writer.writeTrustStore(name, service.material().caRoot()));
                }
            }
            if (spec.sharedTrustStore()) {
                files.add(writer.writeSharedTrustStore(cas));
            }
            files.add(writer.writePasswords());
            List<CreateResult.ServiceSummary> summaries = issued.stream().map(service -> summary(service.material())).toList();
            List<String> layerFiles = LayerDirectoryWriter.commitWith(staged, layerDirectory, force, caSource.stagedOutputs());
            return new CreateResult(staged.target(), files, summaries, layerFiles);
        }
    }

    /** Every refusal before any key is generated: a run that would fail at the end fails at once. */
    public static void checkOutputs(Path out, Path layerDirectory, boolean force) {
        LayerDirectoryWriter.checkOutputs(out, layerDirectory, force);
    }

    private record IssuedService(ServiceMaterial material, List<WrittenFile> files) {
    }

    /**
     * Key generation (RSA) and key-store encryption (PBKDF2) dominate, and services share
     * nothing, so each one is issued and written on its own thread. Every task is waited for
     * before a failure is reported: a task still running would write into the staging
     * directory after it was removed.
     */
    private static <T, R> List<R> inParallel(List<T> items, Function<T, R> task) {
        int threads = Math.min(items.size(), Runtime.getRuntime().availableProcessors());
        if (threads <= 1) {
            return items.stream().map(task).toList();
        }
        ExecutorService executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "mtls-issue");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<R>> futures = items.stream().map(item -> executor.submit(() -> task.apply(item))).toList();
            List<R> results = new ArrayList<>();
            RuntimeException failure = null;
            for (Future<R> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException runtime ? runtime
                                : new IllegalStateException(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    futures.forEach(f -> f.cancel(true));
                    throw new IllegalStateException("interrupted while issuing certificates", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
            return results;
        } finally {
            executor.shutdownNow();
        }
    }

    private ServiceMaterial issue(ResolvedSpec.Service service, Instant now) {
        KeyAlgorithm algorithm = service.keyAlgorithm();
        CaSource.ServiceCa serviceCa = caSource.forService(service, now);
        CertificateIssuer ca = serviceCa.issuer();
        KeyPair serverKeys = algorithm.generate(random);
        List<X509Certificate> serverChain = ca.issue(new LeafRequest(service.server().subject(), CertificateProfile.SERVER,
                serverKeys, service.server().validityDays(), service.dnsNames(), service.ipAddresses()));
        KeyPair clientKeys = algorithm.generate(random);
        List<X509Certificate> clientChain = ca.issue(new LeafRequest(service.client().subject(), CertificateProfile.CLIENT,
                clientKeys, service.client().validityDays(), List.of(), List.of()));
        return new ServiceMaterial(service, ca.caCertificates(), serviceCa.caKey(), serviceCa.caArn(), serviceCa.kmsKeyArn(),
                serverKeys.getPrivate(), serverChain, clientKeys.getPrivate(), clientChain);
    }

    private static CreateResult.ServiceSummary summary(ServiceMaterial material) {
        return new CreateResult.ServiceSummary(material.service().name(), material.service().host(),
                material.service().keyAlgorithm().id(), material.caRoot(),
                material.serverChain().get(0), material.clientChain().get(0));
    }
}
