package dev.mtlscli.inspect;

import dev.mtlscli.MtlsException;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.workspace.ExistingWorkspace;
import dev.mtlscli.workspace.OutputKind;
import dev.mtlscli.workspace.WorkspaceLayout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Inspects every certificate, private key and store of a workspace that `certs create` or `certs
 * import` wrote (and `rotate` changed), each with {@link StoreInspector}, opening the stores and
 * encrypted keys with their passwords from the workspace's passwords.json. Only the files of the
 * {@link WorkspaceLayout} are read, and only where they are: one that is a symbolic link, or is
 * reached through one, is refused before anything is read, so that a link cannot have the
 * workspace's passwords tried on, and the certificates printed of, a file outside it.
 */
public final class WorkspaceInspector {
    private static final String TAKES = "certs inspect takes a PEM, PKCS12 or JKS file, or a workspace made by certs create or certs import";

    private WorkspaceInspector() {
    }

    /** Whether a directory given to inspect claims to be a workspace, and so is read as one. */
    private static boolean looksLikeWorkspace(Path directory) {
        return Files.exists(directory.resolve(OutputKind.WORKSPACE_MARKER), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(directory.resolve(WorkspaceLayout.passwords()), LinkOption.NOFOLLOW_LINKS)
                || Files.isDirectory(directory.resolve("clients"));
    }

    public static WorkspaceReport inspect(Path directory, Instant now) {
        if (!looksLikeWorkspace(directory)) {
            throw new MtlsException(directory + " is a directory but not an mtls-cli workspace (it has no " + WorkspaceLayout.passwords()
                    + " and no clients/); " + TAKES);
        }
        Path passwordsFile = directory.resolve(WorkspaceLayout.passwords());
        if (!Files.exists(passwordsFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new MtlsException("workspace " + directory + " has no " + WorkspaceLayout.passwords()
                    + ", which holds the passwords of its stores and keys");
        }
        Path root = realPath(directory);
        ExistingWorkspace workspace = ExistingWorkspace.open(directory);
        Map<String, Source> sources = sources(workspace);
        requireOwnFile(directory, root, WorkspaceLayout.passwords());
        sources.keySet().forEach(relative -> requireOwnFile(directory, root, relative));

        PasswordFile passwords = workspace.passwords();
        List<WorkspaceFile> files = new ArrayList<>();
        sources.forEach((relative, source) -> files.add(source.inspect(workspace, passwords, relative, now)));
        return new WorkspaceReport(directory.toString(), workspace.storeType().id(), workspace.services(), List.copyOf(files));
    }

    /** What each file of the workspace is, by path: the ones every workspace has, and the others where they exist. */
    private static Map<String, Source> sources(ExistingWorkspace workspace) {
        Map<String, Source> sources = new TreeMap<>();
        for (String service : workspace.services()) {
            String caCertificate = WorkspaceLayout.caCertificate(service);
            String nextCaCertificate = WorkspaceLayout.nextCaCertificate(service);
            String serverCertificate = WorkspaceLayout.serverCertificate(service);
            sources.put(caCertificate, Source.CERTIFICATES);
            sources.put(serverCertificate, Source.CERTIFICATES);
            sources.put(WorkspaceLayout.serverChain(service), Source.CERTIFICATES);
            sources.put(WorkspaceLayout.serverClientCa(service), Source.BUNDLE);
            sources.put(WorkspaceLayout.clientKeyStore(service, workspace.storeType()), Source.STORE);
            sources.put(workspace.trustStore(service), Source.STORE);
            // a local CA's key (not with ACM Private CA, nor imported without it), the server key
            // (not imported), and what a CA rollover or client renewal under way keeps
            optional(workspace, sources, WorkspaceLayout.caKey(service), Source.encryptedKeyOf(caCertificate));
            optional(workspace, sources, WorkspaceLayout.serverKey(service), Source.keyOf(serverCertificate));
            optional(workspace, sources, nextCaCertificate, Source.CERTIFICATES);
            optional(workspace, sources, WorkspaceLayout.nextCaKey(service), Source.encryptedKeyOf(nextCaCertificate));
            optional(workspace, sources, WorkspaceLayout.previousCaCertificate(service), Source.CERTIFICATES);
            optional(workspace, sources, WorkspaceLayout.clientRenewalPrevious(service), Source.CERTIFICATES);
        }
        return sources;
    }

    private static void optional(ExistingWorkspace workspace, Map<String, Source> sources, String relative, Source source) {
        if (Files.exists(workspace.path(relative), LinkOption.NOFOLLOW_LINKS)) {
            sources.put(relative, source);
        }
    }

    /** Refuses a file that is a symbolic link or lies under one, dangling or not, pointing in or out. */
    private static void requireOwnFile(Path directory, Path root, String relative) {
        Path file = directory.resolve(relative);
        boolean linked;
        if (Files.isSymbolicLink(file)) {
            linked = true;
        } else {
            try {
                linked = !file.toRealPath().equals(root.resolve(relative));
            } catch (NoSuchFileException e) {
                return; // missing: reading it says so
            } catch (IOException e) {
                throw new MtlsException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        if (linked) {
            throw new MtlsException(relative + " in workspace " + directory + " is, or is reached through, a symbolic link; "
                    + "certs inspect reads only a workspace's own files, never what a link points at (inspect that file by its own path)");
        }
    }

    private static Path realPath(Path directory) {
        try {
            return directory.toRealPath();
        } catch (IOException e) {
            throw new MtlsException("cannot read workspace " + directory + ": " + e.getMessage(), e);
        }
    }

    private enum Kind { CERTIFICATES, BUNDLE, STORE, KEY, ENCRYPTED_KEY }

    /**
     * How a file of the workspace is read: as a chain of certificates, as a bundle of CAs (each on
     * its own), as a store with its password, or as the key of a certificate file.
     */
    private record Source(Kind kind, String certificateOfKey) {
        static final Source CERTIFICATES = new Source(Kind.CERTIFICATES, null);
        static final Source BUNDLE = new Source(Kind.BUNDLE, null);
        static final Source STORE = new Source(Kind.STORE, null);

        static Source keyOf(String certificate) {
            return new Source(Kind.KEY, certificate);
        }

        static Source encryptedKeyOf(String certificate) {
            return new Source(Kind.ENCRYPTED_KEY, certificate);
        }

        WorkspaceFile inspect(ExistingWorkspace workspace, PasswordFile passwords, String relative, Instant now) {
            Path file = workspace.path(relative);
            InspectionReport report = switch (kind) {
                case CERTIFICATES -> StoreInspector.inspect(file, null, now);
                case BUNDLE -> StoreInspector.inspectBundle(file, now);
                case STORE -> StoreInspector.inspect(file, passwords.get(relative), now);
                case KEY -> StoreInspector.inspectKey(file, null, certificate(workspace));
                case ENCRYPTED_KEY -> StoreInspector.inspectKey(file, passwords.get(relative), certificate(workspace));
            };
            return new WorkspaceFile(new InspectionReport(relative, report.format(), report.entries()), certificateOfKey);
        }

        private X509Certificate certificate(ExistingWorkspace workspace) {
            return workspace.certificates(certificateOfKey).get(0);
        }
    }
}
