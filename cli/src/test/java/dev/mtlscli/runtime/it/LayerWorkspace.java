package dev.mtlscli.runtime.it;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.runtime.layer.LayerLayout;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.Workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A workspace made by `certs create --layer-dir` (PKCS12, EC P-256): the workspace with its
 * passwords.json, and the layer directory the runtime reads (&lt;layer&gt;/mtls/&lt;service&gt;/).
 * Public for the demo handlers' tests (dev.mtlscli.demofunction).
 */
public record LayerWorkspace(Workspace workspace, Path layer) {

    public static LayerWorkspace create(Path dir, Path spec) {
        Path out = dir.resolve("workspace");
        Path layer = dir.resolve("layer");
        Cli.runOk("certs", "create", "--out", out.toString(), "--layer-dir", layer.toString(),
                "--key-algorithm", "ec-p256", "--store-type", "pkcs12", "--spec", spec.toString());
        LayerWorkspace created = new LayerWorkspace(Workspace.open(out, "pkcs12"), layer);
        for (String service : Workspace.DEMO_SERVICES) {
            assertTrue(Files.isRegularFile(LayerLayout.manifest(layer, service)), "no manifest for " + service + " in " + layer);
        }
        return created;
    }

    public static ParameterRef keyStoreParameter(String service) {
        return new ParameterRef("/mtls/" + service + "/keystore-password", 1);
    }

    public static ParameterRef trustStoreParameter(String service) {
        return new ParameterRef("/mtls/" + service + "/truststore-password", 1);
    }

    /** What `layer publish` would put in SSM: each layer parameter with its password from passwords.json. */
    public MapPasswords passwords() {
        MapPasswords passwords = new MapPasswords();
        for (String service : Workspace.DEMO_SERVICES) {
            passwords.put(keyStoreParameter(service), workspace.password(workspace.keyStore(service)));
            passwords.put(trustStoreParameter(service), workspace.password(workspace.trustStore(service)));
        }
        return passwords;
    }

    /** Puts {@link #passwords()} into the fake's SSM: each name's first put is its version 1, the one the manifests pin. */
    public void putPasswords(FakeAws aws) {
        MapPasswords passwords = passwords();
        for (String service : Workspace.DEMO_SERVICES) {
            aws.ssm().put(keyStoreParameter(service).name(), passwords.get(keyStoreParameter(service)), true);
            aws.ssm().put(trustStoreParameter(service).name(), passwords.get(trustStoreParameter(service)), true);
        }
    }

    public Path serviceDirectory(String service) {
        return LayerLayout.serviceDirectory(layer, service);
    }

    Path trustStoreFile(String service) {
        return serviceDirectory(service).resolve("truststore.p12");
    }

    /** A copy of the layer directory, to change one file of it. */
    Path copyLayer(Path target) {
        try (Stream<Path> files = Files.walk(layer)) {
            for (Path file : files.toList()) {
                Path to = target.resolve(layer.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A spec like {@link Workspace#writeLocalhostSpec} whose CAs have other names. */
    static Path writeOtherCaSpec(Path file) {
        String spec = """
                {
                  "version": 1,
                  "services": [
                    {
                      "name": "service-1",
                      "host": "backend-service-1.com",
                      "dnsNames": ["localhost"],
                      "ca": { "subject": "CN=other service-1 Root CA,O=another team" }
                    },
                    {
                      "name": "service-2",
                      "host": "backend-service-2.com",
                      "dnsNames": ["localhost"],
                      "ca": { "subject": "CN=other service-2 Root CA,O=another team" }
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

    static List<String> services() {
        return Workspace.DEMO_SERVICES;
    }
}
