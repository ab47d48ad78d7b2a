package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Decides, before anything is written, whether a directory may become an output: the checks
 * that keep `certs create --force` from deleting what the user did not ask it to.
 */
public final class OutputTarget {
    private OutputTarget() {
    }

    /**
     * Refuses a target that is a file, the root, the home directory, the current directory or
     * one of its parents, and an existing non-empty one unless {@code force} is set and it is
     * recognisably of this kind.
     */
    public static void check(Path target, boolean force, OutputKind kind) {
        Path resolved = resolve(target);
        String shown = target.toString();
        if (resolved.getParent() == null) {
            throw new MtlsException("output " + shown + " is the root directory; give a new directory such as ./mtls-certs");
        }
        Path home = resolve(Paths.get(System.getProperty("user.home")));
        if (resolved.equals(home)) {
            throw new MtlsException("output " + shown + " is the home directory; give a new directory such as ~/mtls-certs");
        }
        Path cwd = resolve(Paths.get(""));
        if (cwd.startsWith(resolved)) {
            throw new MtlsException("output " + shown + (resolved.equals(cwd) ? " is the current directory" : " holds the current directory")
                    + "; give a new directory such as ./mtls-certs");
        }
        if (Files.exists(resolved) && !Files.isDirectory(resolved)) {
            throw new MtlsException("output " + shown + " exists and is not a directory");
        }
        if (Files.isDirectory(resolved) && !isEmpty(resolved)) {
            if (!force) {
                throw new MtlsException("output " + shown + " already exists and is not empty (use --force to replace it)");
            }
            Optional<String> why = kind.whyNotRecognised(resolved);
            if (why.isPresent()) {
                throw new MtlsException("--force replaces only an mtls-cli " + kind.description() + ", and " + shown
                        + " is not one: " + why.get() + "; give another directory");
            }
        }
    }

    /** Refuses two outputs that are the same directory or where one lies inside the other. */
    public static void checkDisjoint(Path first, String firstOption, Path second, String secondOption) {
        Path a = resolve(first);
        Path b = resolve(second);
        if (a.equals(b)) {
            throw new MtlsException(firstOption + " and " + secondOption + " are the same directory " + first
                    + "; give the layer content a directory of its own");
        }
        if (a.startsWith(b) || b.startsWith(a)) {
            boolean firstInside = a.startsWith(b);
            throw new MtlsException((firstInside ? firstOption + " " + first + " lies inside " + secondOption + " " + second
                    : secondOption + " " + second + " lies inside " + firstOption + " " + first)
                    + "; one would replace the other, so give them separate directories");
        }
    }

    /**
     * The absolute path with symbolic links resolved as far as the path exists, so two spellings
     * of one directory (a symlink, "a/../b") compare equal.
     */
    public static Path resolve(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        Path rest = absolute.getFileSystem().getPath("");
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(rest).normalize();
        } catch (IOException e) {
            return absolute;
        }
    }

    static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new MtlsException("cannot read output " + dir + ": " + e.getMessage());
        }
    }
}
