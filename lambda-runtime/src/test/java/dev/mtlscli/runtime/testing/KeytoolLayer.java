package dev.mtlscli.runtime.testing;

import dev.mtlscli.runtime.layer.LayerLayout;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.LayerManifests;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.runtime.layer.StoreRef;
import dev.mtlscli.runtime.secrets.EnvironmentPasswords;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A layer directory for one service whose stores keytool makes (a self-signed EC key, trusted by
 * the truststore), for tests of the runtime that need a working client but no particular backend
 * identity. The store password reaches keytool through its environment, never argv.
 */
public final class KeytoolLayer {
    private static final String PASSWORD_VARIABLE = "KEYTOOL_LAYER_PASSWORD";
    private static final ParameterRef KEYSTORE = new ParameterRef("/mtls/test/keystore-password", 1);
    private static final ParameterRef TRUSTSTORE = new ParameterRef("/mtls/test/truststore-password", 1);

    private final Path root;
    private final String password;

    private KeytoolLayer(Path root, String password) {
        this.root = root;
        this.password = password;
    }

    /** Writes &lt;root&gt;/mtls/&lt;service&gt;/ with keystore.p12, truststore.p12 and manifest.json. */
    public static KeytoolLayer create(Path root, String service) throws IOException, InterruptedException {
        Path directory = LayerLayout.serviceDirectory(root, service);
        Files.createDirectories(directory);
        String password = "test-store-password-" + System.nanoTime();
        Path keyStore = directory.resolve("keystore.p12");
        Path certificate = directory.resolve("client.crt");
        keytool(password, "-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + service, "-validity", "30", "-storetype", "PKCS12", "-keystore", keyStore.toString());
        keytool(password, "-exportcert", "-alias", "client", "-keystore", keyStore.toString(), "-file", certificate.toString());
        keytool(password, "-importcert", "-noprompt", "-alias", "ca", "-file", certificate.toString(),
                "-storetype", "PKCS12", "-keystore", directory.resolve("truststore.p12").toString());
        Files.delete(certificate);
        LayerManifest manifest = new LayerManifest(LayerManifest.VERSION, service, "localhost",
                new StoreRef("keystore.p12", "PKCS12", KEYSTORE), new StoreRef("truststore.p12", "PKCS12", TRUSTSTORE),
                Instant.now().plusSeconds(86_400), "00");
        Files.write(LayerLayout.manifest(root, service), LayerManifests.toJson(manifest));
        return new KeytoolLayer(root, password);
    }

    public Path root() {
        return root;
    }

    /** The stores' passwords, as a local run would give them. */
    public EnvironmentPasswords passwords() {
        return new EnvironmentPasswords(Map.of(KEYSTORE, PASSWORD_VARIABLE, TRUSTSTORE, PASSWORD_VARIABLE),
                Map.of(PASSWORD_VARIABLE, password));
    }

    private static void keytool(String password, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass:env", PASSWORD_VARIABLE));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(PASSWORD_VARIABLE, password);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
