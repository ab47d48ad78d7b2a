package dev.mtlscli.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A workspace written by `mtls-cli certs create`, with its passwords read from passwords.json. */
public final class Workspace {
    public static final List<String> DEMO_SERVICES = List.of("service-1", "service-2");

    private final Path root;
    private final String storeType;
    private final Map<String, String> passwords;

    private Workspace(Path root, String storeType, Map<String, String> passwords) {
        this.root = root;
        this.storeType = storeType;
        this.passwords = passwords;
    }

    /**
     * Runs `certs create --out DIR --key-algorithm ALG --store-type TYPE [--spec SPEC]` in-process.
     * @param spec null for the built-in demo set
     */
    public static Workspace create(Path out, String keyAlgorithm, String storeType, Path spec) {
        List<String> args = new ArrayList<>(List.of("certs", "create", "--out", out.toString(),
                "--key-algorithm", keyAlgorithm, "--store-type", storeType));
        if (spec != null) {
            args.add("--spec");
            args.add(spec.toString());
        }
        Cli.runOk(args.toArray(String[]::new));
        return open(out, storeType);
    }

    public static Workspace open(Path root, String storeType) {
        Path passwordFile = root.resolve("passwords.json");
        assertTrue(Files.isRegularFile(passwordFile), "no passwords.json in " + root);
        try {
            JsonNode json = new ObjectMapper().readTree(passwordFile.toFile());
            Map<String, String> passwords = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = json.path("passwords").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                passwords.put(entry.getKey(), entry.getValue().asText());
            }
            return new Workspace(root, storeType, passwords);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a spec of the demo services that also names "localhost" in each server certificate,
     * so that a client on this machine can connect with hostname verification on.
     */
    public static Path writeLocalhostSpec(Path file) {
        String spec = """
                {
                  "version": 1,
                  "services": [
                    {
                      "name": "service-1",
                      "host": "backend-service-1.com",
                      "dnsNames": ["localhost"],
                      "ca": { "subject": "CN=service-1 Root CA,O=mtls-cli test" },
                      "server": { "subject": "CN=backend-service-1.com,O=mtls-cli test" },
                      "client": { "subject": "CN=service-1 Lambda client,O=mtls-cli test" }
                    },
                    {
                      "name": "service-2",
                      "host": "backend-service-2.com",
                      "dnsNames": ["localhost"],
                      "ca": { "subject": "CN=service-2 Root CA,O=mtls-cli test" },
                      "server": { "subject": "CN=backend-service-2.com,O=mtls-cli test" },
                      "client": { "subject": "CN=service-2 Lambda client,O=mtls-cli test" }
                    }
                  ]
                }
                """;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, spec);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path root() {
        return root;
    }

    /** "pkcs12" or "jks". */
    public String storeType() {
        return storeType;
    }

    /** "PKCS12" or "JKS", as KeyStore and keytool name it. */
    public String jcaStoreType() {
        return storeType.equals("jks") ? "JKS" : "PKCS12";
    }

    public String extension() {
        return storeType.equals("jks") ? "jks" : "p12";
    }

    public Path file(String relative) {
        return root.resolve(relative);
    }

    public Map<String, String> passwords() {
        return passwords;
    }

    /** The password passwords.json holds for a workspace-relative path; fails if there is none. */
    public String password(String relative) {
        String password = passwords.get(relative);
        assertTrue(password != null && !password.isEmpty(), "passwords.json has no password for " + relative);
        return password;
    }

    public static String caCertificate(String service) {
        return "ca/" + service + "/ca.crt";
    }

    public static String caKey(String service) {
        return "ca/" + service + "/ca.key";
    }

    public static String serverCertificate(String service) {
        return "servers/" + service + "/server.crt";
    }

    public static String serverChain(String service) {
        return "servers/" + service + "/server-chain.crt";
    }

    public static String serverKey(String service) {
        return "servers/" + service + "/server.key";
    }

    public static String clientCa(String service) {
        return "servers/" + service + "/client-ca.crt";
    }

    public String keyStore(String service) {
        return "clients/" + service + "/keystore." + extension();
    }

    /** A service's clients' truststore: its CA only. */
    public String trustStore(String service) {
        return "clients/" + service + "/truststore." + extension();
    }

    /** The one truststore of a workspace made with "sharedTrustStore": true (or before per-service truststores). */
    public String sharedTrustStore() {
        return "clients/truststore." + extension();
    }

    public KeyStore loadKeyStore(String service) {
        return load(keyStore(service));
    }

    public KeyStore loadTrustStore(String service) {
        return load(trustStore(service));
    }

    public KeyStore load(String relative) {
        try (InputStream in = Files.newInputStream(file(relative))) {
            KeyStore store = KeyStore.getInstance(jcaStoreType());
            store.load(in, password(relative).toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new AssertionError("cannot open " + relative + " as " + jcaStoreType() + ": " + e, e);
        }
    }
}
