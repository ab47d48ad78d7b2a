package dev.mtlscli.store;

import dev.mtlscli.TerminalText;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Warns, as ssh does for a private key, when a file holding passwords can be read by group or
 * others: the run goes on (refusing would break existing setups), but the exposure is said once.
 */
public final class SecretFilePermissions {
    /** One warning per file per run, however many times a command reads it. */
    private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();

    private SecretFilePermissions() {
    }

    public static void warnIfReadableByOthers(Path file) {
        warnIfReadableByOthers(file, System.err);
    }

    static void warnIfReadableByOthers(Path file, PrintStream err) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return; // no POSIX modes here, or the read that follows reports the problem
        }
        if (!permissions.contains(PosixFilePermission.GROUP_READ) && !permissions.contains(PosixFilePermission.OTHERS_READ)) {
            return;
        }
        if (WARNED.add(file.toAbsolutePath().normalize())) {
            String name = TerminalText.escape(file.toString());
            err.println("mtls-cli: warning: " + name + " is readable by group/others (mode " + mode(permissions)
                    + "); run chmod 600 " + name);
            err.flush();
        }
    }

    private static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= 1 << (8 - permission.ordinal());
        }
        return String.format("%04o", mode);
    }
}
