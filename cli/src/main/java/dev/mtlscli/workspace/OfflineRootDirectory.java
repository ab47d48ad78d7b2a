package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.pki.KeyPairs;
import dev.mtlscli.pki.LocalCertificateAuthority;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.PasswordGenerator;
import dev.mtlscli.store.PemFiles;
import dev.mtlscli.store.SecureFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;

/**
 * The directory of `--offline-root DIR`, kept away from the workspace (on a removable disk, in a
 * safe): the offline root of each service, &lt;service&gt;/root.key (PBES2-encrypted, 0600) and
 * &lt;service&gt;/root.crt, with their passwords in DIR/passwords.json (0600). A new one is staged
 * and moves into place with the workspace or not at all. DIR is never inside the workspace
 * (which is handed out and published from), never a symlink (whose target nobody checked), and
 * never a directory that holds anything already: an offline root is never overwritten.
 */
public final class OfflineRootDirectory implements AutoCloseable {
    private final StagedDirectory staged;
    private final PasswordFile passwords;
    private final SecureRandom random;

    private OfflineRootDirectory(StagedDirectory staged, PasswordFile passwords, SecureRandom random) {
        this.staged = staged;
        this.passwords = passwords;
        this.random = random;
    }

    public static String rootKey(String service) {
        return service + "/root.key";
    }

    public static String rootCertificate(String service) {
        return service + "/root.crt";
    }

    /**
     * Refuses, before anything is made, a DIR that is a symlink, lies inside the workspace or the
     * layer directory (or holds them), or is not empty.
     *
     * @param layerDirectory null when none is written
     */
    public static void checkNew(Path dir, Path workspace, Path layerDirectory) {
        checkPlace(dir, workspace, "the workspace " + workspace);
        if (layerDirectory != null) {
            checkPlace(dir, layerDirectory, "the layer directory " + layerDirectory);
        }
        Path resolved = OutputTarget.resolve(dir);
        if (Files.exists(resolved) && !Files.isDirectory(resolved)) {
            throw new MtlsException("--offline-root " + dir + " exists and is not a directory");
        }
        if (Files.isDirectory(resolved) && !OutputTarget.isEmpty(resolved)) {
            throw new MtlsException("--offline-root " + dir + " is not empty" + (holdsRoot(resolved)
                    ? ": it holds another offline root, which is never overwritten" : "")
                    + "; give a new or empty directory");
        }
        OutputTarget.check(dir, false, OutputKind.OFFLINE_ROOT);
    }

    /** Refuses a DIR that is a symlink, or lies inside the workspace or holds it. */
    static void checkPlace(Path dir, Path workspace, String workspaceName) {
        if (Files.isSymbolicLink(dir.toAbsolutePath().normalize())) {
            throw new MtlsException("--offline-root " + dir + " is a symbolic link; give the directory itself");
        }
        Path resolved = OutputTarget.resolve(dir);
        Path other = OutputTarget.resolve(workspace);
        if (resolved.startsWith(other)) {
            throw new MtlsException("--offline-root " + dir + " lies inside " + workspaceName
                    + "; the offline root's key must be kept apart from it");
        }
        if (other.startsWith(resolved)) {
            throw new MtlsException("--offline-root " + dir + " holds " + workspaceName + "; keep the offline root apart from it");
        }
    }

    /** Stages DIR with a generated password for each service's root key; nothing appears until it is committed. */
    public static OfflineRootDirectory stage(Path dir, List<String> services, SecureRandom random) {
        StagedDirectory staged = StagedDirectory.open(dir, false, OutputKind.OFFLINE_ROOT);
        try {
            PasswordFile passwords = PasswordFile.empty().forFiles(services.stream().map(OfflineRootDirectory::rootKey).toList(),
                    new PasswordGenerator(random));
            passwords.write(staged.path().resolve(PasswordFile.FILE_NAME));
            return new OfflineRootDirectory(staged, passwords, random);
        } catch (RuntimeException e) {
            staged.close();
            throw e;
        }
    }

    /** Writes a service's root into the staged DIR: its key encrypted, then its certificate. Services may call at once. */
    public void keep(String service, LocalCertificateAuthority root) {
        Path serviceDir = staged.path().resolve(service);
        SecureFiles.createDirectory(serviceDir, SecureFiles.PRIVATE_DIR);
        PemFiles.writeEncryptedPrivateKey(staged.path().resolve(rootKey(service)), root.keyPair().getPrivate(),
                passwords.get(rootKey(service)), random);
        PemFiles.writeCertificates(staged.path().resolve(rootCertificate(service)), List.of(root.rootCertificate()));
    }

    /** The staged DIR, to be moved into place together with the workspace. */
    public StagedDirectory staged() {
        return staged;
    }

    @Override
    public void close() {
        staged.close();
    }

    /**
     * A service's offline root from an existing DIR, to sign a new intermediate: its key opened
     * with its password from DIR/passwords.json and checked against its certificate, which must
     * be {@code expectedRoot}, the root the workspace trusts.
     */
    public static LocalCertificateAuthority open(Path dir, String service, Path workspace, X509Certificate expectedRoot,
                                                 SecureRandom random) {
        checkPlace(dir, workspace, "the workspace " + workspace);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new MtlsException("--offline-root " + dir + " is not a directory");
        }
        Path certificateFile = dir.resolve(rootCertificate(service));
        Path keyFile = dir.resolve(rootKey(service));
        if (!Files.isRegularFile(certificateFile, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(keyFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new MtlsException("--offline-root " + dir + " holds no offline root of " + service + " (" + rootKey(service)
                    + " and " + rootCertificate(service) + ")");
        }
        X509Certificate certificate;
        try {
            certificate = PemFiles.read(Files.readString(certificateFile), certificateFile.toString(), null).certificates().get(0);
        } catch (IOException | IndexOutOfBoundsException e) {
            throw new MtlsException("cannot read the offline root certificate " + certificateFile);
        }
        if (!certificate.equals(expectedRoot)) {
            throw new MtlsException("--offline-root " + dir + " holds another root of " + service + " ("
                    + certificate.getSubjectX500Principal().getName() + ") than the one the workspace trusts ("
                    + expectedRoot.getSubjectX500Principal().getName() + ")");
        }
        PasswordFile passwords = PasswordFile.read(dir.resolve(PasswordFile.FILE_NAME));
        PrivateKey key = PemFiles.readEncryptedPrivateKey(keyFile, passwords.get(rootKey(service)));
        if (!KeyPairs.matches(key, certificate.getPublicKey())) {
            throw new MtlsException("the offline root key " + keyFile + " does not match its certificate " + certificateFile);
        }
        return new LocalCertificateAuthority(new KeyPair(certificate.getPublicKey(), key), certificate, random, Clock.systemUTC());
    }

    private static boolean holdsRoot(Path dir) {
        try (Stream<Path> entries = Files.walk(dir, 2)) {
            return entries.anyMatch(path -> path.getFileName().toString().equals("root.key"));
        } catch (IOException e) {
            return false;
        }
    }
}
