package dev.mtlscli.testing;

import dev.mtlscli.demo.DemoBackend;
import dev.mtlscli.demo.NginxDemoBackend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real nginx on 127.0.0.1 serving mTLS backends configured like the demo's backend container:
 * one server block per backend, on a port of its own, with ssl_verify_client on.
 *
 * nginx runs with its own prefix, pid file, logs and temp paths in a directory of the test, and
 * with `daemon on`: the nginx command returns only after the master has bound every listening
 * socket, so the backends accept connections as soon as {@link #start} returns, without sleeping.
 * A missing nginx fails the test (see {@link Tool#require}).
 */
public final class NginxBackends implements AutoCloseable {
    private static final Duration PID_FILE_TIMEOUT = Duration.ofSeconds(20);
    private static final int START_ATTEMPTS = 3;

    public static final String TLS_1_2_AND_1_3 = DemoBackend.TLS_1_2_AND_1_3;

    /**
     * A backend: its server chain and key, the CA its clients must be signed by, the JSON it
     * answers, and its ssl_protocols (the runtime's TLS policy tests restrict them).
     */
    public record Backend(String name, Path serverChain, Path serverKey, Path clientCa, String json, String sslProtocols,
                          boolean asTheSampleShipsIt) {
        public Backend(String name, Path serverChain, Path serverKey, Path clientCa, String json) {
            this(name, serverChain, serverKey, clientCa, json, TLS_1_2_AND_1_3, false);
        }

        public Backend(String name, Path serverChain, Path serverKey, Path clientCa, String json, String sslProtocols) {
            this(name, serverChain, serverKey, clientCa, json, sslProtocols, false);
        }
    }

    private final Path dir;
    private final Map<String, Integer> ports;
    private final long pid;

    private NginxBackends(Path dir, Map<String, Integer> ports, long pid) {
        this.dir = dir;
        this.ports = ports;
        this.pid = pid;
    }

    /** The backend that the demo's nginx runs for a service: {"hello": "from backend service N"}. */
    public static Backend demoBackend(String name, Workspace workspace, String service) {
        return demoBackend(name, workspace, service, TLS_1_2_AND_1_3);
    }

    public static Backend demoBackend(String name, Workspace workspace, String service, String sslProtocols) {
        String number = service.substring(service.lastIndexOf('-') + 1);
        return new Backend(name,
                workspace.file(Workspace.serverChain(service)),
                workspace.file(Workspace.serverKey(service)),
                workspace.file(Workspace.clientCa(service)),
                "{\"hello\": \"from backend service " + number + "\"}",
                sslProtocols);
    }

    /**
     * A backend configured as the AWS sample ships it (ssl_verify_depth 1, the JSON file from the
     * html root), with nginx's default protocols (null) or these.
     */
    public static Backend sampleBackend(String name, Workspace workspace, String service, String sslProtocols) {
        Backend demo = demoBackend(name, workspace, service);
        return new Backend(name, demo.serverChain(), demo.serverKey(), demo.clientCa(), demo.json(), sslProtocols, true);
    }

    public static NginxBackends start(Path dir, List<Backend> backends) {
        Path nginx = Tool.require("nginx");
        String lastFailure = "";
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path prefix = dir.resolve("attempt-" + attempt);
            Map<String, Integer> ports = freePorts(backends);
            Path conf = writeConfig(prefix, backends, ports);
            Tool.Result result = Tool.of(nginx.toString(), "-p", prefix + "/", "-c", conf.toString(),
                    "-e", prefix.resolve("error.log").toString()).run();
            if (result.exitCode() == 0) {
                return new NginxBackends(prefix, ports, readPid(prefix.resolve("nginx.pid")));
            }
            lastFailure = result.describe() + "\n--- error.log\n" + read(prefix.resolve("error.log"));
            // another process may have taken a port between our probe and nginx's bind: try new ports
            if (!lastFailure.contains("Address already in use")) {
                break;
            }
        }
        return fail("nginx did not start:\n" + lastFailure);
    }

    public int port(String backend) {
        Integer port = ports.get(backend);
        if (port == null) {
            throw new IllegalArgumentException("no backend " + backend + " (have " + ports.keySet() + ")");
        }
        return port;
    }

    /** https://localhost:PORT/ */
    public URI uri(String backend) {
        return URI.create("https://localhost:" + port(backend) + "/");
    }

    /** https://127.0.0.1:PORT/, for host name checks (the demo certificates name only DNS hosts) */
    public URI ipUri(String backend) {
        return URI.create("https://127.0.0.1:" + port(backend) + "/");
    }

    public String errorLog() {
        return read(dir.resolve("error.log"));
    }

    /** Stops nginx (SIGTERM: fast shutdown of the master and its workers) and waits until the master is gone. */
    @Override
    public void close() {
        ProcessHandle.of(pid).ifPresent(master -> {
            master.destroy();
            try {
                master.onExit().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                fail("nginx (pid " + pid + ") did not stop: " + e);
            }
        });
    }

    private static Map<String, Integer> freePorts(List<Backend> backends) {
        // all sockets stay open until every port is chosen, so the ports differ from each other
        List<ServerSocket> sockets = new ArrayList<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        try {
            for (Backend backend : backends) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports.put(backend.name(), socket.getLocalPort());
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

    /** The same nginx.conf as `mtls-cli demo` writes, so the tests exercise the demo's backend configuration. */
    private static Path writeConfig(Path prefix, List<Backend> backends, Map<String, Integer> ports) {
        List<DemoBackend.Spec> specs = backends.stream()
                .map(b -> new DemoBackend.Spec(b.name(), b.serverChain(), b.serverKey(), b.clientCa(), b.json(), b.sslProtocols(),
                        b.asTheSampleShipsIt()))
                .toList();
        return NginxDemoBackend.writeConfig(prefix, specs, ports);
    }

    /**
     * The master's pid. The daemonized master writes its pid file just after the nginx command
     * returned, so wait for it with inotify (a WatchService), not with sleeps.
     */
    private static long readPid(Path pidFile) {
        long deadline = System.nanoTime() + PID_FILE_TIMEOUT.toNanos();
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            pidFile.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            while (true) {
                Optional<Long> pid = parsePid(pidFile);
                if (pid.isPresent()) {
                    return pid.get();
                }
                WatchKey key = watch.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (key == null) {
                    return fail("nginx started but wrote no pid file " + pidFile + " within " + PID_FILE_TIMEOUT);
                }
                key.pollEvents();
                key.reset();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A complete pid file is digits and a newline; anything else is still being written. */
    private static Optional<Long> parsePid(Path pidFile) throws IOException {
        try {
            String text = Files.readString(pidFile, StandardCharsets.US_ASCII);
            if (text.endsWith("\n") && text.trim().matches("\\d+")) {
                return Optional.of(Long.parseLong(text.trim()));
            }
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no " + file.getFileName() + ")";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
