import dev.mtlscli.demo.DemoBackend;
import dev.mtlscli.demo.JdkDemoBackend;
import dev.mtlscli.demo.LocalDemo;
import dev.mtlscli.demo.NginxDemoBackend;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeParametersExtension;
import dev.mtlscli.layer.LayerDirectoryWriter;
import dev.mtlscli.spec.ResolvedSpec;
import dev.mtlscli.spec.SpecOverrides;
import dev.mtlscli.spec.SpecResolver;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.StoreType;
import dev.mtlscli.workspace.CertsCreator;
import dev.mtlscli.workspace.WorkspaceLayout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

/**
 * The environment of bench/cold-start.sh, run from source with the cli jar on the class path:
 * java -cp cli/target/mtls-cli.jar bench/cold-start/harness/ColdStartHarness.java WORKDIR
 *
 * Creates the demo certificates (the demo spec with "localhost" in the server certificates) and
 * a layer directory in WORKDIR, starts service-1's mTLS backend (nginx if there is one, else the
 * JDK's HttpsServer), the fake SSM, seeded with service-1's two store passwords as version 1, and
 * the fake Parameters and Secrets extension answering from that SSM.
 * Writes WORKDIR/env (mode 600, the variables the variants need, passwords included; the JSSE
 * variants use the layer's two stores too, so all read the same files) and prints
 * "ready WORKDIR/env" on stdout; stops everything when stdin closes.
 */
public final class ColdStartHarness {
    private static final String SESSION_TOKEN = "cold-start-bench-session-token";

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        String service = "service-1";
        ResolvedSpec spec = SpecResolver.resolve(LocalDemo.localhostSpec(), SpecOverrides.NONE);
        StoreType storeType = spec.storeType();
        Path certs = work.resolve("certs");
        Path layer = work.resolve("layer");
        new CertsCreator(new SecureRandom()).create(spec, certs, layer, false, PasswordFile.empty());
        PasswordFile passwords = PasswordFile.read(certs.resolve(WorkspaceLayout.passwords()));

        DemoBackend.Spec backendSpec = new DemoBackend.Spec(service,
                certs.resolve(WorkspaceLayout.serverChain(service)),
                certs.resolve(WorkspaceLayout.serverKey(service)),
                certs.resolve(WorkspaceLayout.serverClientCa(service)),
                LocalDemo.HELLO_1);
        Optional<Path> nginx = NginxDemoBackend.find();
        try (DemoBackend backend = nginx.isPresent()
                ? NginxDemoBackend.start(nginx.get(), work.resolve("backend"), List.of(backendSpec))
                : JdkDemoBackend.start(List.of(backendSpec));
             FakeAws aws = FakeAws.start();
             FakeParametersExtension extension = FakeParametersExtension.start(aws.ssm(), SESSION_TOKEN)) {
            String keyStorePassword = new String(passwords.get(WorkspaceLayout.clientKeyStore(service, storeType)));
            String trustStorePassword = new String(passwords.get(WorkspaceLayout.clientTrustStore(service, storeType)));
            String keyStoreParameter = LayerDirectoryWriter.firstVersion(service, "keystore-password").name();
            String trustStoreParameter = LayerDirectoryWriter.firstVersion(service, "truststore-password").name();
            aws.ssm().put(keyStoreParameter, keyStorePassword, true);
            aws.ssm().put(trustStoreParameter, trustStorePassword, true);

            Path serviceLayer = layer.resolve("mtls").resolve(service);
            String env = String.join("\n",
                    "BACKEND_DESCRIPTION='" + backend.description() + "'",
                    "BACKEND_URL=https://localhost:" + backend.port(service) + "/",
                    "SSM_ENDPOINT=" + aws.endpoint(),
                    "EXTENSION_PORT=" + extension.port(),
                    "AWS_SESSION_TOKEN=" + SESSION_TOKEN,
                    "AWS_ACCESS_KEY_ID=" + FakeAws.ACCESS_KEY_ID,
                    "AWS_SECRET_ACCESS_KEY=" + FakeAws.SECRET_ACCESS_KEY,
                    "AWS_REGION=" + FakeAws.DEFAULT_REGION,
                    "MTLS_LAYER_ROOT=" + layer,
                    "KEYSTORE_FILE=" + serviceLayer.resolve("keystore.p12"),
                    "TRUSTSTORE_FILE=" + serviceLayer.resolve("truststore.p12"),
                    "KEYSTORE_PASSWORD_PARAMETER=" + keyStoreParameter,
                    "TRUSTSTORE_PASSWORD_PARAMETER=" + trustStoreParameter,
                    "KEYSTORE_PASSWORD='" + keyStorePassword + "'",
                    "TRUSTSTORE_PASSWORD='" + trustStorePassword + "'") + "\n";
            Path envFile = work.resolve("env");
            Files.createFile(envFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(envFile, env, StandardCharsets.UTF_8);
            System.out.println("ready " + envFile);
            System.out.flush();
            // until the script closes our stdin (or exits)
            while (System.in.read() != -1) {
                // discard
            }
        }
    }
}
