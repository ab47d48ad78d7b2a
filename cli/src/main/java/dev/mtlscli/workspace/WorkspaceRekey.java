package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.pki.KeyPolicy;
import dev.mtlscli.pki.LocalCertificateAuthority;
import dev.mtlscli.store.KeyStoreFiles;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.PemFiles;
import dev.mtlscli.workspace.ClientRenewal.RenewedClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Re-keys a workspace locally, without AWS: every selected service gets a new client key pair
 * and a new backend server key pair, and every store a new password, so that nothing the
 * workspace held before (imported keys still sitting in old layer versions, under the password
 * the AWS sample used) opens or matches anything in it afterwards.
 *
 * <p>Either from the service's CA as it is, or ({@code newCa}) from a new CA per service with an
 * overlap: the first two steps of {@link CaRollover} in one go, so the truststore and the
 * backend's client-CA bundle trust the old and the new CA until {@code rotate
 * --complete-ca-rollover}. Only a new CA makes the backend refuse the old client certificates:
 * issued by the same CA, they stay valid there until they expire.
 *
 * <p>The workspace is replaced whole or not at all: the work is done on a copy in a
 * {@link StagedDirectory} beside it, under the workspace's lock, and moved into place at the end.
 */
public final class WorkspaceRekey {
    private static final Set<String> NOT_COPIED = Set.of(WorkspaceLock.FILE_NAME, OwnedFiles.FILE_NAME, OutputKind.WORKSPACE_MARKER);

    private final SecureRandom random;
    private final ClientRenewal renewal;
    private final CaRollover rollover;
    private final Runnable afterEachService;

    public WorkspaceRekey(SecureRandom random) {
        this(random, () -> {
        });
    }

    /** @param afterEachService run once a service is re-keyed in the staged copy: tests make a run fail half-way there */
    WorkspaceRekey(SecureRandom random, Runnable afterEachService) {
        this.random = random;
        this.renewal = new ClientRenewal(random);
        this.rollover = new CaRollover(random);
        this.afterEachService = afterEachService;
    }

    /**
     * What re-keying one service replaced (certificates only, never a password).
     *
     * @param previousServer the backend certificate before, null when the workspace had none
     * @param oldCa          the CA that issued the replaced certificates
     * @param newCa          the CA of the new ones: {@code oldCa} itself unless a new CA was asked for
     */
    public record RekeyedService(String service, X509Certificate previousClient, X509Certificate client,
                                 X509Certificate previousServer, X509Certificate server, X509Certificate oldCa, X509Certificate newCa) {
        public boolean newCaCreated() {
            return !oldCa.equals(newCa);
        }
    }

    public record Result(Path directory, List<RekeyedService> services) {
    }

    /**
     * @param services the services to re-key; all of them when empty
     * @param newCa    whether each service gets a new CA (with overlap) instead of keeping its own
     */
    public Result rekey(Path directory, Collection<String> services, boolean newCa) {
        ExistingWorkspace current = ExistingWorkspace.open(directory);
        List<String> selected = current.select(services);
        for (String service : selected) {
            refuseUnlessRekeyable(current, service, newCa);
        }
        OutputKind.WORKSPACE.whyNotRecognised(current.directory()).ifPresent(why -> {
            throw new MtlsException("certs rekey replaces the workspace " + directory + " as a whole, and " + why
                    + "; nothing was changed");
        });
        try (WorkspaceLock lock = WorkspaceLock.acquire(current.directory(), "certs rekey");
             StagedDirectory staged = StagedDirectory.open(directory, true, OutputKind.WORKSPACE)) {
            copyInto(current.directory(), staged.path());
            ExistingWorkspace copy = ExistingWorkspace.open(staged.path());
            List<RekeyedService> rekeyed = new ArrayList<>();
            Set<String> trustStores = new LinkedHashSet<>();
            for (String service : selected) {
                rekeyed.add(newCa ? underNewCa(copy, service) : underSameCa(copy, service));
                trustStores.add(copy.trustStore(service));
                afterEachService.run();
            }
            for (String trustStore : trustStores) {
                withNewPassword(copy, trustStore);
            }
            staged.commit();
            return new Result(staged.target(), rekeyed);
        }
    }

    /** Every refusal before a key is generated or a file copied, each in one line. */
    private static void refuseUnlessRekeyable(ExistingWorkspace workspace, String service, boolean newCa) {
        Optional<String> kmsKey = workspace.caKmsKey(service);
        if (kmsKey.isPresent()) {
            throw new MtlsException(service + ": the CA's key is KMS key " + kmsKey.get()
                    + "; certs rekey issues from local CAs only (renew with 'mtls-cli rotate --service " + service + " --force')");
        }
        Optional<String> caArn = workspace.caArn(service);
        if (caArn.isPresent()) {
            throw new MtlsException(service + ": the certificates come from ACM Private CA " + caArn.get()
                    + "; certs rekey issues from local CAs only (renew with 'mtls-cli rotate --service " + service + " --force')");
        }
        boolean withoutKey = WorkspaceIssuers.importedWithoutKey(workspace, service);
        if (!newCa && withoutKey) {
            throw new MtlsException(service + ": the workspace was imported without the key of its CA, so it can only be re-keyed "
                    + "under a new CA: mtls-cli certs rekey --workspace " + workspace.directory() + " --service " + service + " --new-ca");
        }
        if (!withoutKey && !Files.isRegularFile(workspace.path(WorkspaceLayout.caKey(service)))) {
            throw new MtlsException(service + ": the workspace has no CA key " + WorkspaceLayout.caKey(service)
                    + ", so nothing can be issued for it locally");
        }
        CaRollover.State state = new CaRollover(new SecureRandom()).state(workspace, service);
        if (newCa && state != CaRollover.State.NONE) {
            throw new MtlsException(service + ": a CA rollover is under way (" + state + "); finish it with mtls-cli rotate "
                    + "(--new-ca --backend-trusts-new-ca, then --complete-ca-rollover) before starting another");
        }
        if (state == CaRollover.State.PREPARED) {
            throw new MtlsException(service + ": a CA rollover is prepared; issue from its new CA with 'mtls-cli rotate --service "
                    + service + " --new-ca --backend-trusts-new-ca' instead of re-keying from the old one");
        }
    }

    private RekeyedService underSameCa(ExistingWorkspace workspace, String service) {
        LocalCertificateAuthority ca = WorkspaceIssuers.local(workspace, service, random);
        Optional<X509Certificate> previousServer = server(workspace, service);
        RenewedClient client = renewal.renew(workspace, service, ca);
        rollover.issueServer(workspace, service, ca, new ArrayList<>());
        reencryptCaKey(workspace, service, ca.keyPair().getPrivate());
        return checked(workspace, service, client, previousServer, ca.rootCertificate(), ca.rootCertificate());
    }

    private RekeyedService underNewCa(ExistingWorkspace workspace, String service) {
        Optional<X509Certificate> previousServer = server(workspace, service);
        X509Certificate previousClient = ClientRenewal.current(workspace, service).leaf();
        rollover.prepare(workspace, service);
        CaRollover.Step issued = rollover.issueFromNext(workspace, service);
        RenewedClient client = issued.client().orElse(new RenewedClient(service, previousClient,
                ClientRenewal.current(workspace, service).leaf()));
        return checked(workspace, service, client, previousServer, issued.oldCa(), issued.newCa());
    }

    /** What was made meets the key policy (decision 8) and comes from the CA it should. */
    private static RekeyedService checked(ExistingWorkspace workspace, String service, RenewedClient client,
                                          Optional<X509Certificate> previousServer, X509Certificate oldCa, X509Certificate newCa) {
        List<X509Certificate> clientChain = ClientRenewal.current(workspace, service).chain();
        List<X509Certificate> serverChain = workspace.certificates(WorkspaceLayout.serverChain(service));
        KeyPolicy.require(service + ": the new client identity", clientChain);
        KeyPolicy.require(service + ": the new server chain", serverChain);
        if (!CertificateFacts.issuedBy(clientChain.get(0), newCa) || !CertificateFacts.issuedBy(serverChain.get(0), newCa)) {
            throw new IllegalStateException(service + ": a re-keyed certificate is not issued by " + newCa.getSubjectX500Principal());
        }
        return new RekeyedService(service, client.previous(), client.current(), previousServer.orElse(null), serverChain.get(0),
                oldCa, newCa);
    }

    private static Optional<X509Certificate> server(ExistingWorkspace workspace, String service) {
        return Files.isRegularFile(workspace.path(WorkspaceLayout.serverCertificate(service)))
                ? Optional.of(workspace.certificates(WorkspaceLayout.serverCertificate(service)).get(0)) : Optional.empty();
    }

    /** The CA key under a new password: a copy of the old passwords.json opens nothing of the re-keyed workspace. */
    private void reencryptCaKey(ExistingWorkspace workspace, String service, PrivateKey key) {
        String keyFile = WorkspaceLayout.caKey(service);
        PasswordFile passwords = WorkspacePasswords.withNewPassword(workspace, keyFile, random);
        PemFiles.writeEncryptedPrivateKey(workspace.path(keyFile), key, passwords.get(keyFile), random);
        workspace.writePasswords(passwords);
    }

    /** The truststore's certificates as they are, under a new password. */
    private void withNewPassword(ExistingWorkspace workspace, String trustStore) {
        String service = workspace.services().stream().filter(name -> workspace.trustStore(name).equals(trustStore))
                .findFirst().orElseThrow();
        Map<String, X509Certificate> anchors = CaRollover.trustAnchors(workspace, service);
        PasswordFile passwords = WorkspacePasswords.withNewPassword(workspace, trustStore, random);
        KeyStoreFiles.writeTrustStore(workspace.path(trustStore), workspace.storeType(), anchors, passwords.get(trustStore));
        workspace.writePasswords(passwords);
    }

    /**
     * The workspace's files into the staging directory, modes kept. `--force`'s ownership check
     * (in {@link StagedDirectory#open}) has already refused a workspace holding anything but
     * mtls-cli's own regular files and directories, so no link is followed or copied.
     */
    private static void copyInto(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path relative = from.relativize(source);
                if (relative.toString().isEmpty() || (relative.getNameCount() == 1 && NOT_COPIED.contains(relative.toString()))) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(target, PosixFilePermissions.asFileAttribute(Files.getPosixFilePermissions(source)));
                } else if (Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                } else {
                    throw new MtlsException(source + " is not a regular file or directory; the workspace cannot be re-keyed");
                }
            }
        } catch (IOException e) {
            throw new MtlsException("cannot copy " + from + " to re-key it: " + e.getMessage(), e);
        }
    }
}
