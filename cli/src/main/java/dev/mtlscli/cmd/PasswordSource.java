package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.store.BoundedReads;
import dev.mtlscli.store.SecretFilePermissions;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where a password comes from. Never argv: arguments are visible to every user of the
 * machine in /proc and end up in shell history.
 */
final class PasswordSource {

    static final class Options {
        @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from the first line of FILE.")
        Path file;

        @Option(names = "--password-env", paramLabel = "NAME", description = "Read the password from the environment variable NAME.")
        String env;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean stdin;
    }

    private PasswordSource() {
    }

    /** The password, or null when no source was given. */
    static char[] read(Options options) {
        return options == null ? null : read(options.file, options.env, options.stdin);
    }

    /** The password from the first source given (file, environment, standard input), or null when none was. */
    static char[] read(Path file, String env, boolean stdin) {
        if (file != null) {
            return fromFile(file);
        }
        if (env != null) {
            return fromEnvironment(env);
        }
        if (stdin) {
            return fromStandardInput();
        }
        return null;
    }

    /** The first line of the file. */
    static char[] fromFile(Path file) {
        SecretFilePermissions.warnIfReadableByOthers(file);
        String text = new String(BoundedReads.read(file, BoundedReads.SMALL, "password file"), StandardCharsets.UTF_8);
        String line = text.lines().findFirst().orElse("");
        if (line.isEmpty()) {
            throw new MtlsException("password file " + file + " is empty");
        }
        return checked(line, "password file " + file);
    }

    static char[] fromEnvironment(String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            throw new MtlsException("environment variable " + name + " is not set");
        }
        return checked(value, "environment variable " + name);
    }

    /** The first line of standard input, read without waiting for its end. */
    static char[] fromStandardInput() {
        try {
            String line = BoundedReads.firstLine(System.in, BoundedReads.SMALL, "standard input");
            if (line.isEmpty()) {
                throw new MtlsException("no password on standard input");
            }
            return checked(line, "the password on standard input");
        } catch (IOException e) {
            throw new MtlsException("cannot read the password from standard input: " + e.getMessage());
        }
    }

    /** A password of only whitespace is a mistake (an empty line, a stray space), not a password. */
    private static char[] checked(String password, String source) {
        if (password.isBlank()) {
            throw new MtlsException(source + " holds only whitespace, not a password");
        }
        return password.toCharArray();
    }
}
