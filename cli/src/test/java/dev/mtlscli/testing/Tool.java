package dev.mtlscli.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs an external tool (openssl, keytool, nginx). Secrets go to the tool through the
 * environment or a file, never through its arguments: {@link #env} is how tests pass them.
 */
public final class Tool {
    private static final long TIMEOUT_SECONDS = 120;

    private final List<String> command = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private byte[] stdin = new byte[0];
    private Path directory;
    private boolean inheritEnvironment = true;

    private Tool(List<String> command) {
        this.command.addAll(command);
    }

    public static Tool of(String executable, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(List.of(args));
        return new Tool(command);
    }

    public static Tool openssl(String... args) {
        return of(require("openssl").toString(), args);
    }

    /** keytool in English, whatever the machine's locale, since tests read its output. */
    public static Tool keytool(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("-J-Duser.language=en");
        all.add("-J-Duser.country=US");
        // keytool is a short-lived JVM: C1 alone starts it faster
        all.add("-J-XX:TieredStopAtLevel=1");
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path keytool = javaHome.resolve("bin").resolve("keytool");
        return of(Files.isExecutable(keytool) ? keytool.toString() : require("keytool").toString(), all.toArray(String[]::new));
    }

    /** Runs the tool in this working directory. */
    public Tool directory(Path workingDirectory) {
        this.directory = workingDirectory;
        return this;
    }

    /** Adds these variables to the environment the tool gets. */
    public Tool env(Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    /** Gives the tool only these variables, none of this JVM's: what a clean shell or a Lambda would see. */
    public Tool onlyEnv(Map<String, String> variables) {
        inheritEnvironment = false;
        return env(variables);
    }

    public Tool args(String... more) {
        command.addAll(List.of(more));
        return this;
    }

    public Tool env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public Tool stdin(String text) {
        this.stdin = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    public record Result(List<String> command, int exitCode, String out, String err) {
        public String all() {
            return out + err;
        }

        public String describe() {
            return String.join(" ", command) + " exited " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    public Result run() {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        if (!inheritEnvironment) {
            builder.environment().clear();
        }
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException ignored) {
                // the tool may exit without reading its input
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(List.copyOf(command), process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs the tool and fails the test unless it exits with 0. */
    public Result runOk() {
        Result result = run();
        assertEquals(0, result.exitCode(), result::describe);
        return result;
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * The path of an installed tool: -Dmtls.test.NAME=PATH, else NAME on PATH or in an sbin directory.
     * A missing tool fails the test instead of skipping it: CI installs openssl and nginx, and a
     * silently skipped interop test proves nothing.
     */
    public static Path require(String name) {
        String override = System.getProperty("mtls.test." + name);
        if (override != null) {
            Path given = Path.of(override);
            if (Files.isRegularFile(given) && Files.isExecutable(given)) {
                return given;
            }
            return fail(name + " is not installed at " + given + " (given by -Dmtls.test." + name + ")");
        }
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, name));
                }
            }
        }
        // nginx lives in sbin, which is not on every user's PATH
        candidates.add(Path.of("/usr/sbin", name));
        candidates.add(Path.of("/usr/local/sbin", name));
        candidates.add(Path.of("/usr/local/nginx/sbin", name));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail(name + " is not installed (looked on PATH and in /usr/sbin, /usr/local/sbin): the interop tests need it;"
                + " install it (e.g. apt-get install " + name + ") instead of skipping these tests");
    }
}
