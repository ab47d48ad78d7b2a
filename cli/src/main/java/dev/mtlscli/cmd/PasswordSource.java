package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

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
        if (options == null) {
            return null;
        }
        if (options.file != null) {
            try {
                List<String> lines = Files.readAllLines(options.file, StandardCharsets.UTF_8);
                if (lines.isEmpty() || lines.get(0).isEmpty()) {
                    throw new MtlsException("password file " + options.file + " is empty");
                }
                return lines.get(0).toCharArray();
            } catch (NoSuchFileException e) {
                throw new MtlsException("password file " + options.file + " does not exist");
            } catch (IOException e) {
                throw new MtlsException("cannot read password file " + options.file + ": " + e.getMessage());
            }
        }
        if (options.env != null) {
            String value = System.getenv(options.env);
            if (value == null || value.isEmpty()) {
                throw new MtlsException("environment variable " + options.env + " is not set");
            }
            return value.toCharArray();
        }
        if (options.stdin) {
            try {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (line == null || line.isEmpty()) {
                    throw new MtlsException("no password on standard input");
                }
                return line.toCharArray();
            } catch (IOException e) {
                throw new MtlsException("cannot read the password from standard input: " + e.getMessage());
            }
        }
        return null;
    }
}
