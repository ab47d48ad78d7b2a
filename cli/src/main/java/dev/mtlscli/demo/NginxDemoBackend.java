package dev.mtlscli.demo;

import dev.mtlscli.MtlsException;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

/**
 * The backends as the demo's backend container runs them: a real nginx with one server block
 * per service, ssl_verify_client on. nginx gets its own prefix, pid file, logs and temp paths
 * in the demo's workspace, and `daemon on`, so the nginx command returns once every listening
 * socket is bound.
 */
public final class NginxDemoBackend implements DemoBackend {
    private static final String JSON_FILE = "hello.json";
    private static final Path SBIN_NGINX = Path.of("/usr/sbin/nginx");
    private static final long PID_FILE_TIMEOUT_MILLIS = 20_000;
    private static final int START_ATTEMPTS = 3;

    private final Path nginx;
    private final Map<String, Integer> ports;
    private final long pid;
    private final Path errorLog;

    private NginxDemoBackend(Path nginx, Map<String, Integer> ports, long pid, Path errorLog) {
        this.nginx = nginx;
        this.ports = ports;
        this.pid = pid;
        this.errorLog = errorLog;
    }

    /** nginx on the PATH, else /usr/sbin/nginx (often not on a user's PATH). */
    public static Optional<Path> find() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, "nginx");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Files.isRegularFile(SBIN_NGINX) && Files.isExecutable(SBIN_NGINX) ? Optional.of(SBIN_NGINX) : Optional.empty();
    }

    public static NginxDemoBackend start(Path nginx, Path dir, List<Spec> backends) {
        String lastFailure = "";
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path prefix = dir.resolve("attempt-" + attempt);
            Map<String, Integer> ports = freePorts(backends);
            Path conf = writeConfig(prefix, backends, ports);
            Path errorLog = prefix.resolve("error.log");
            String output;
            int exit;
            try {
                Process process = new ProcessBuilder(nginx.toString(), "-p", prefix + "/", "-c", conf.toString(),
                        "-e", errorLog.toString())
                        .redirectErrorStream(true)
                        .start();
                process.getOutputStream().close();
                output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new MtlsException("nginx did not return within 30 seconds");
                }
                exit = process.exitValue();
            } catch (IOException e) {
                throw new MtlsException("cannot run " + nginx + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MtlsException("interrupted while starting nginx");
            }
            if (exit == 0) {
                return new NginxDemoBackend(nginx, ports, readPid(prefix.resolve("nginx.pid")), errorLog);
            }
            lastFailure = (output + " " + read(errorLog)).strip();
            // another process may have taken a port between our probe and nginx's bind: try new ports
            if (!lastFailure.contains("Address already in use")) {
                break;
            }
        }
        String firstLine = lastFailure.lines().filter(line -> line.contains("emerg") || line.contains("error"))
                .findFirst().orElse(lastFailure.lines().findFirst().orElse("no output"));
        throw new MtlsException("nginx did not start: " + firstLine);
    }

    /** What nginx logged so far (at level info: why it refused a client certificate, for one). */
    public String errorLog() {
        return read(errorLog);
    }

    @Override
    public String description() {
        return "nginx (" + nginx + ")";
    }

    @Override
    public int port(String service) {
        Integer port = ports.get(service);
        if (port == null) {
            throw new IllegalArgumentException("no backend " + service);
        }
        return port;
    }

    /** SIGTERM: nginx's fast shutdown of the master and its workers; waits until the master is gone. */
    @Override
    public void close() {
        ProcessHandle.of(pid).ifPresent(master -> {
            master.destroy();
            try {
                master.onExit().get(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                master.destroyForcibly();
            }
        });
    }

    private static Map<String, Integer> freePorts(List<Spec> backends) {
        // all sockets stay open until every port is chosen, so the ports differ from each other
        List<ServerSocket> sockets = new ArrayList<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        try {
            for (Spec backend : backends) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports.put(backend.service(), socket.getLocalPort());
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
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

    /** The nginx.conf of these backends, with nginx's pid, logs and temp files under prefix. */
    public static String config(Path prefix, List<Spec> backends, Map<String, Integer> ports) {
        StringBuilder conf = new StringBuilder();
        conf.append("daemon on;\n")
                .append("master_process on;\n");
        if ("root".equals(System.getProperty("user.name"))) {
            // started as root, nginx runs its workers as nobody, who cannot read the JSON files
            // under a private temporary directory; as anyone else the workers are that user
            conf.append("user root;\n");
        }
        conf
                .append("worker_processes 1;\n")
                .append("pid ").append(quote(prefix.resolve("nginx.pid"))).append(";\n")
                .append("error_log ").append(quote(prefix.resolve("error.log"))).append(" info;\n")
                .append("events { worker_connections 256; }\n")
                .append("http {\n")
                .append("  access_log ").append(quote(prefix.resolve("access.log"))).append(";\n");
        for (String temp : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
            conf.append("  ").append(temp).append("_temp_path ").append(quote(prefix.resolve("temp").resolve(temp))).append(";\n");
        }
        for (Spec backend : backends) {
            conf.append("  # ").append(backend.service()).append("\n")
                    .append("  server {\n")
                    .append("    listen 127.0.0.1:").append(ports.get(backend.service())).append(" ssl;\n")
                    .append("    server_name localhost;\n")
                    .append("    ssl_certificate ").append(quote(backend.serverChain())).append(";\n")
                    .append("    ssl_certificate_key ").append(quote(backend.serverKey())).append(";\n")
                    .append("    ssl_client_certificate ").append(quote(backend.clientCa())).append(";\n")
                    .append("    ssl_verify_client on;\n");
            if (backend.asTheSampleShipsIt()) {
                // the sample's backend: nginx's default protocols, the client's leaf directly
                // under the CA, and a JSON file from the html root
                conf.append("    ssl_verify_depth 1;\n");
                if (backend.sslProtocols() != null) {
                    conf.append("    ssl_protocols ").append(backend.sslProtocols()).append(";\n");
                }
                conf.append("    root ").append(quote(htmlRoot(prefix, backend))).append(";\n")
                        .append("    types { application/json json; }\n")
                        .append("    location / {\n")
                        .append("      index ").append(JSON_FILE).append(";\n")
                        .append("    }\n");
            } else {
                // the client's leaf, and one intermediate: an ACM PCA subordinate CA under its root
                conf.append("    ssl_verify_depth 2;\n")
                        .append("    ssl_protocols ").append(backend.sslProtocols()).append(";\n")
                        .append("    location / {\n")
                        .append("      default_type application/json;\n")
                        .append("      return 200 '").append(backend.json()).append("';\n")
                        .append("    }\n");
            }
            conf.append("  }\n");
        }
        conf.append("}\n");
        return conf.toString();
    }

    /** Where a backend configured as the sample ships it serves its JSON file from. */
    static Path htmlRoot(Path prefix, Spec backend) {
        return prefix.resolve("html").resolve(backend.service());
    }

    /** nginx.conf under prefix, and the JSON files of the backends that serve one. */
    public static Path writeConfig(Path prefix, List<Spec> backends, Map<String, Integer> ports) {
        try {
            Files.createDirectories(prefix.resolve("temp"));
            for (Spec backend : backends) {
                if (backend.asTheSampleShipsIt()) {
                    Path root = Files.createDirectories(htmlRoot(prefix, backend));
                    Files.writeString(root.resolve(JSON_FILE), backend.json(), StandardCharsets.UTF_8);
                }
            }
            Path file = prefix.resolve("nginx.conf");
            Files.writeString(file, config(prefix, backends, ports), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the nginx configuration: " + e.getMessage(), e);
        }
    }

    private static String quote(Path path) {
        return "\"" + path.toAbsolutePath() + "\"";
    }

    /** The daemonized master writes its pid file just after the nginx command returned. */
    private static long readPid(Path pidFile) {
        long deadline = System.currentTimeMillis() + PID_FILE_TIMEOUT_MILLIS;
        while (true) {
            try {
                String text = Files.readString(pidFile, StandardCharsets.US_ASCII);
                if (text.endsWith("\n") && text.trim().matches("\\d+")) {
                    return Long.parseLong(text.trim());
                }
            } catch (NoSuchFileException e) {
                // not yet written
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + pidFile + ": " + e.getMessage(), e);
            }
            if (System.currentTimeMillis() > deadline) {
                throw new MtlsException("nginx started but wrote no pid file " + pidFile);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MtlsException("interrupted while waiting for nginx's pid file");
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
