package dev.mtlscli.infra;

import dev.mtlscli.testing.Checkout;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * infra/backend/entrypoint.sh run as the backend container runs it, without Docker: the
 * certificates of a workspace in the environment variables that ECS fills from SSM, the plain
 * variables of the task definition, and the paths that the image fixes (the template, nginx's
 * pid file, logs and temp files) moved into a directory of the test, so that it runs
 * unprivileged. The mTLS and health ports are on 127.0.0.1 (LISTEN_PORT and HEALTH_PORT take
 * ADDRESS:PORT).
 *
 * {@link #start} runs the entrypoint in the foreground as the container does: it execs nginx
 * with `daemon off`, so the process it started is nginx's master, and stopping it (SIGTERM)
 * stops nginx.
 */
final class BackendContainer implements AutoCloseable {
    static final Path BACKEND = Checkout.ROOT.resolve("infra/backend");
    static final Path ENTRYPOINT = BACKEND.resolve("entrypoint.sh");
    static final Path TEMPLATE = BACKEND.resolve("nginx.conf.template");

    /** The variables ECS fills from the SSM SecureString parameters /mtls-demo/service-N/... */
    static final List<String> SECRETS = List.of("SERVER_CHAIN_PEM", "SERVER_KEY_PEM", "CLIENT_CA_PEM");
    private static final int START_ATTEMPTS = 3;
    private static final long START_TIMEOUT_MILLIS = 20_000;

    private final Path dir;
    private final Process process;
    private final int port;
    private final int healthPort;

    private BackendContainer(Path dir, Process process, int port, int healthPort) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.healthPort = healthPort;
    }

    /** {"hello": "from backend service N"}, as the CDK stack sets HELLO_JSON and the local demo answers. */
    static String hello(String service) {
        return "{\"hello\": \"from backend service " + service.substring(service.lastIndexOf('-') + 1) + "\"}";
    }

    /**
     * The container's environment for a service of the workspace: what the task definition
     * gives it, with every path the image fixes moved under {@code dir}.
     */
    static Map<String, String> environment(Workspace workspace, String service, Path dir, int port, int healthPort) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", path());
        env.put("SERVER_CHAIN_PEM", read(workspace.file(Workspace.serverChain(service))));
        env.put("SERVER_KEY_PEM", read(workspace.file(Workspace.serverKey(service))));
        env.put("CLIENT_CA_PEM", read(workspace.file(Workspace.clientCa(service))));
        env.put("LISTEN_PORT", "127.0.0.1:" + port);
        env.put("SERVER_NAME", "backend-" + service + ".com");
        env.put("HELLO_JSON", hello(service));
        env.put("HEALTH_PORT", "127.0.0.1:" + healthPort);
        env.put("MTLS_TEMPLATE", TEMPLATE.toString());
        env.put("CERT_DIR", dir.resolve("certs").toString());
        env.put("NGINX_CONF_DIR", dir.resolve("conf").toString());
        env.put("NGINX_PID_FILE", dir.resolve("nginx.pid").toString());
        env.put("NGINX_TEMP_DIR", dir.resolve("temp").toString());
        env.put("NGINX_ERROR_LOG", dir.resolve("error.log").toString());
        env.put("NGINX_ACCESS_LOG", dir.resolve("access.log").toString());
        env.put("NGINX_WORKER_PROCESSES", "1");
        return env;
    }

    /** Runs entrypoint.sh to its end (it must not reach nginx: a failure, or --render-only) with exactly this environment. */
    static Tool.Result run(Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(List.of(Tool.require("sh").toString(), ENTRYPOINT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within 60 s");
            }
            return new Tool.Result(List.copyOf(command), process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the entrypoint of a service on free loopback ports; returns once nginx listens. */
    static BackendContainer start(Path dir, Workspace workspace, String service) {
        String lastFailure = "";
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path attemptDir = dir.resolve("attempt-" + attempt);
            int[] ports = freePorts(2);
            Map<String, String> env = environment(workspace, service, attemptDir, ports[0], ports[1]);
            try {
                Files.createDirectories(attemptDir);
                ProcessBuilder builder = new ProcessBuilder(Tool.require("sh").toString(), ENTRYPOINT.toString())
                        .redirectOutput(attemptDir.resolve("stdout.log").toFile())
                        .redirectError(attemptDir.resolve("stderr.log").toFile());
                builder.environment().clear();
                builder.environment().putAll(env);
                Process process = builder.start();
                process.getOutputStream().close();
                if (waitUntilListening(process, attemptDir.resolve("nginx.pid"))) {
                    return new BackendContainer(attemptDir, process, ports[0], ports[1]);
                }
                lastFailure = "the entrypoint exited " + process.exitValue()
                        + "\n--- stderr\n" + read(attemptDir.resolve("stderr.log"))
                        + "\n--- error.log\n" + readIfExists(attemptDir.resolve("error.log"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // another process may have taken a port between our probe and nginx's bind: try new ports
            if (!lastFailure.contains("Address already in use")) {
                break;
            }
        }
        return fail("the backend container of " + service + " did not start:\n" + lastFailure);
    }

    int port() {
        return port;
    }

    int healthPort() {
        return healthPort;
    }

    long pid() {
        return process.pid();
    }

    Path dir() {
        return dir;
    }

    String errorLog() {
        return readIfExists(dir.resolve("error.log"));
    }

    String accessLog() {
        return readIfExists(dir.resolve("access.log"));
    }

    /** What the entrypoint printed before it became nginx. */
    String stderr() {
        return readIfExists(dir.resolve("stderr.log"));
    }

    /** SIGTERM, as `docker stop` with the image's STOPSIGNAL left aside: nginx's fast shutdown; waits until it is gone. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("nginx (pid " + process.pid() + ") did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * nginx writes its pid file after binding every listening socket. True once the pid file is
     * complete, false if the process ended first.
     */
    private static boolean waitUntilListening(Process process, Path pidFile) {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        try {
            while (System.currentTimeMillis() < deadline) {
                if (pid(pidFile).isPresent()) {
                    return true;
                }
                // waits on the process itself: returns at once when it exits
                if (process.waitFor(20, TimeUnit.MILLISECONDS)) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        process.destroyForcibly();
        return fail("nginx wrote no pid file " + pidFile + " within " + START_TIMEOUT_MILLIS + " ms");
    }

    /** A complete pid file is digits and a newline. */
    static Optional<Long> pid(Path pidFile) {
        try {
            String text = Files.readString(pidFile, StandardCharsets.US_ASCII);
            return text.endsWith("\n") && text.trim().matches("\\d+") ? Optional.of(Long.parseLong(text.trim())) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] freePorts(int count) {
        // all sockets stay open until every port is chosen, so the ports differ from each other
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // the port is released either way
                }
            }
        }
    }

    /** The test's PATH, with the directories of nginx and envsubst (nginx is often in /usr/sbin, off a user's PATH). */
    private static String path() {
        List<String> dirs = new ArrayList<>();
        String inherited = System.getenv("PATH");
        if (inherited != null && !inherited.isEmpty()) {
            dirs.add(inherited);
        }
        for (String tool : List.of("nginx", "envsubst", "sh")) {
            dirs.add(Tool.require(tool).getParent().toString());
        }
        return String.join(File.pathSeparator, dirs);
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String readIfExists(Path file) {
        return Files.exists(file) ? read(file) : "(no " + file.getFileName() + ")";
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
}
