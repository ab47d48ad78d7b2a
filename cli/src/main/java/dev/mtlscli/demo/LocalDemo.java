package dev.mtlscli.demo;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mtlscli.MtlsException;
import dev.mtlscli.layer.LayerDirectoryWriter;
import dev.mtlscli.demofunction.LambdaLayerHandler;
import dev.mtlscli.demofunction.LambdaOnlyHandler;
import dev.mtlscli.demofunction.MultipleCertificatesHandler;
import dev.mtlscli.demofunction.NoMtlsHandler;
import dev.mtlscli.demofunction.ParameterStoreHandler;
import dev.mtlscli.secrets.PasswordParameters;
import dev.mtlscli.spec.MtlsSpec;
import dev.mtlscli.spec.ResolvedSpec;
import dev.mtlscli.spec.SpecOverrides;
import dev.mtlscli.spec.SpecReader;
import dev.mtlscli.spec.SpecResolver;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.StoreType;
import dev.mtlscli.workspace.CertsCreator;
import dev.mtlscli.workspace.WorkspaceLayout;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The core of `mtls-cli demo`: the whole demo on one machine, without an AWS account. It creates
 * the demo PKI (with "localhost" in the server certificates) and the layer content in a
 * workspace, starts the two mTLS backends on 127.0.0.1, serves the store passwords from a
 * loopback Parameter Store ({@link LoopbackParameterStore}), and calls the five demo handlers
 * in-process, as Lambda would.
 */
public final class LocalDemo {
    public static final String HELLO_1 = "{\"hello\": \"from backend service 1\"}";
    public static final String HELLO_2 = "{\"hello\": \"from backend service 2\"}";
    static final List<String> SERVICES = List.of("service-1", "service-2");

    /** Progress of a run, for the command's output. */
    public interface Listener {
        void workspace(Path directory);

        void backends(DemoBackend backend);

        void ssm(String endpoint);
    }

    public record Result(Path workspace, String backend, List<DemoOutcome> outcomes) {
        public List<DemoOutcome> unexpected() {
            return outcomes.stream().filter(outcome -> !outcome.expected()).toList();
        }
    }

    private LocalDemo() {
    }

    /** The demo spec with "localhost" added to each server certificate, so that localhost:PORT verifies. */
    public static MtlsSpec localhostSpec() {
        MtlsSpec demo = SpecReader.demo();
        List<MtlsSpec.Service> services = demo.services().stream()
                .map(service -> {
                    List<String> dnsNames = new ArrayList<>(service.dnsNames() == null ? List.of() : service.dnsNames());
                    if (!dnsNames.contains("localhost")) {
                        dnsNames.add("localhost");
                    }
                    return new MtlsSpec.Service(service.name(), service.host(), List.copyOf(dnsNames), service.ipAddresses(),
                            service.keyAlgorithm(), service.ca(), service.server(), service.client());
                })
                .toList();
        return new MtlsSpec(demo.version(), demo.keyAlgorithm(), demo.storeType(), demo.caValidityDays(),
                demo.validityDays(), services);
    }

    /**
     * Runs the demo in a new temporary directory, which is removed afterwards unless {@code keep}.
     * Everything started is stopped before this returns, whatever happens.
     */
    public static Result run(BackendKind kind, boolean keep, Listener listener) {
        Path root;
        try {
            root = Files.createTempDirectory("mtls-cli-demo-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory: " + e.getMessage(), e);
        }
        listener.workspace(root);
        try {
            return run(kind, root, listener);
        } finally {
            if (!keep) {
                deleteTree(root);
            }
        }
    }

    private static Result run(BackendKind kind, Path root, Listener listener) {
        ResolvedSpec spec = SpecResolver.resolve(localhostSpec(), SpecOverrides.NONE);
        if (spec.storeType() != StoreType.PKCS12) {
            throw new IllegalStateException("the demo needs PKCS12 stores");
        }
        Path certs = root.resolve("certs");
        Path layer = root.resolve("layer");
        new CertsCreator(new SecureRandom()).create(spec, certs, layer, false, PasswordFile.empty());
        PasswordFile passwords = PasswordFile.read(certs.resolve(WorkspaceLayout.passwords()));
        Path artifact = artifactDirectory(root, certs, spec.storeType());

        List<DemoBackend.Spec> specs = SERVICES.stream().map(service -> backendSpec(certs, service)).toList();
        Map<String, String> secureStrings = new HashMap<>();
        for (String service : SERVICES) {
            // version 1 of each name, the version the layer's manifests pin
            secureStrings.put(LayerDirectoryWriter.firstVersion(service, PasswordParameters.KEYSTORE).name(),
                    new String(passwords.get(WorkspaceLayout.clientKeyStore(service, spec.storeType()))));
            secureStrings.put(LayerDirectoryWriter.firstVersion(service, PasswordParameters.TRUSTSTORE).name(),
                    new String(passwords.get(WorkspaceLayout.clientTrustStore(service, spec.storeType()))));
        }
        try (DemoBackend backend = startBackend(kind, root.resolve("backend"), specs);
             LoopbackParameterStore parameterStore = LoopbackParameterStore.start(secureStrings)) {
            listener.backends(backend);
            listener.ssm(parameterStore.endpoint().toString());
            try (SsmClient ssm = parameterStore.newClient()) {
                Map<String, String> environment = new HashMap<>();
                environment.put("BACKEND_SERVICE_1_HOST_NAME", "localhost:" + backend.port("service-1"));
                environment.put("BACKEND_SERVICE_2_HOST_NAME", "localhost:" + backend.port("service-2"));
                environment.put("MTLS_LAYER_ROOT", layer.toString());
                environment.put("MTLS_ARTIFACT_DIR", artifact.toString());
                // the first approaches keep service 1's store passwords in the environment, as the sample does
                Map<String, String> withPasswords = new HashMap<>(environment);
                withPasswords.put("KEYSTORE_PASSWORD",
                        new String(passwords.get(WorkspaceLayout.clientKeyStore("service-1", spec.storeType()))));
                withPasswords.put("TRUSTSTORE_PASSWORD",
                        new String(passwords.get(WorkspaceLayout.clientTrustStore("service-1", spec.storeType()))));

                List<DemoOutcome> outcomes = new ArrayList<>();
                outcomes.add(call("no-mtls", () -> new NoMtlsHandler(environment),
                        status(500).and(answer -> answer.body().contains("PKIX path building failed")),
                        "500 with \"PKIX path building failed\""));
                outcomes.add(LambdaOnlyHandler.withJssePropertiesRestored(() -> call("lambda-only", () -> new LambdaOnlyHandler(withPasswords),
                        hello1(), "200 " + HELLO_1)));
                outcomes.add(call("lambda-layer", () -> new LambdaLayerHandler(withPasswords), hello1(), "200 " + HELLO_1));
                outcomes.add(call("parameter-store", () -> new ParameterStoreHandler(environment, ssm), hello1(),
                        "200 " + HELLO_1));
                String both = "[" + HELLO_1 + "," + HELLO_2 + "]";
                outcomes.add(call("multiple-certificates", () -> new MultipleCertificatesHandler(environment, ssm),
                        status(200).and(answer -> answer.body().equals(both)), "200 " + both));
                return new Result(root, backend.description(), outcomes);
            }
        }
    }

    private interface HandlerFactory {
        RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> create();
    }

    private record Answer(int status, String body) {
    }

    private static Predicate<Answer> status(int status) {
        return answer -> answer.status() == status;
    }

    private static Predicate<Answer> hello1() {
        return status(200).and(answer -> HELLO_1.equals(answer.body()));
    }

    private static DemoOutcome call(String approach, HandlerFactory factory, Predicate<Answer> expected, String expectation) {
        Answer answer;
        try {
            APIGatewayProxyResponseEvent response = factory.create()
                    .handleRequest(new APIGatewayProxyRequestEvent().withHttpMethod("GET").withPath("/"), null);
            answer = new Answer(response.getStatusCode() == null ? 0 : response.getStatusCode(),
                    response.getBody() == null ? "" : response.getBody());
        } catch (RuntimeException e) {
            // the handler's init failed, as a Lambda init error would
            answer = new Answer(0, "init failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        return new DemoOutcome(approach, answer.status(), answer.body(), expected.test(answer), expectation);
    }

    private static DemoBackend.Spec backendSpec(Path certs, String service) {
        String number = service.substring(service.lastIndexOf('-') + 1);
        // configured as the AWS sample ships its backend, so a green demo means the material and
        // the runtime work against that configuration, not only against ours
        return DemoBackend.Spec.asTheSampleShipsIt(service,
                certs.resolve(WorkspaceLayout.serverChain(service)),
                certs.resolve(WorkspaceLayout.serverKey(service)),
                certs.resolve(WorkspaceLayout.serverClientCa(service)),
                "{\"hello\": \"from backend service " + number + "\"}");
    }

    private static DemoBackend startBackend(BackendKind kind, Path dir, List<DemoBackend.Spec> specs) {
        Path nginx = switch (kind) {
            case jdk -> null;
            case nginx -> NginxDemoBackend.find().orElseThrow(() ->
                    new MtlsException("--backend nginx: nginx is not on the PATH nor at /usr/sbin/nginx"));
            case auto -> NginxDemoBackend.find().orElse(null);
        };
        return nginx == null ? JdkDemoBackend.start(specs) : NginxDemoBackend.start(nginx, dir, specs);
    }

    /** lambda-only's function root: service 1's keystore.p12 and truststore.p12, as packaged with the function. */
    private static Path artifactDirectory(Path root, Path certs, StoreType storeType) {
        Path artifact = root.resolve("function");
        try {
            Files.createDirectories(artifact);
            Files.copy(certs.resolve(WorkspaceLayout.clientKeyStore("service-1", storeType)), artifact.resolve("keystore.p12"),
                    StandardCopyOption.COPY_ATTRIBUTES);
            Files.copy(certs.resolve(WorkspaceLayout.clientTrustStore("service-1", storeType)), artifact.resolve("truststore.p12"),
                    StandardCopyOption.COPY_ATTRIBUTES);
            return artifact;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + artifact + ": " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root + ": " + e.getMessage(), e);
        }
    }
}
