package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.json.Json;
import dev.mtlscli.json.JsonObject;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.PasswordGenerator;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Changes to the passwords.json of an existing workspace, read fresh from disk each time:
 * {@link PasswordFile#forFiles} keeps the passwords of the files named and generates the missing
 * ones, so dropping an entry and asking for it again gives it a new password. Callers hold the
 * workspace's lock from the read to {@link ExistingWorkspace#writePasswords}.
 */
final class WorkspacePasswords {
    private WorkspacePasswords() {
    }

    /** The files passwords.json has a password for. */
    static List<String> paths(ExistingWorkspace workspace) {
        String file = WorkspaceLayout.passwords();
        JsonObject root = Json.parseSecretObject(workspace.read(file), "password file " + workspace.path(file));
        JsonObject entries = root.object("passwords");
        if (entries == null) {
            throw new MtlsException("password file " + workspace.path(file) + " has no \"passwords\" object");
        }
        return new ArrayList<>(entries.values().keySet());
    }

    static boolean has(ExistingWorkspace workspace, String path) {
        return paths(workspace).contains(path);
    }

    /** The workspace's passwords with a newly generated one for this file (replacing any it had). */
    static PasswordFile withNewPassword(ExistingWorkspace workspace, String path, SecureRandom random) {
        List<String> others = paths(workspace);
        others.remove(path);
        List<String> all = new ArrayList<>(others);
        all.add(path);
        PasswordGenerator generator = new PasswordGenerator(random);
        return current(workspace).forFiles(others, generator).forFiles(all, generator);
    }

    /** The workspace's passwords, with one generated for this file unless it has one. */
    static PasswordFile withPassword(ExistingWorkspace workspace, String path, SecureRandom random) {
        List<String> all = paths(workspace);
        if (!all.contains(path)) {
            all.add(path);
        }
        return current(workspace).forFiles(all, new PasswordGenerator(random));
    }

    /** The workspace's passwords without this file's. */
    static PasswordFile without(ExistingWorkspace workspace, String path) {
        List<String> others = paths(workspace);
        others.remove(path);
        // nothing is generated: every remaining path has its password
        return current(workspace).forFiles(others, new PasswordGenerator(new SecureRandom()));
    }

    private static PasswordFile current(ExistingWorkspace workspace) {
        return PasswordFile.read(workspace.path(WorkspaceLayout.passwords()));
    }
}
