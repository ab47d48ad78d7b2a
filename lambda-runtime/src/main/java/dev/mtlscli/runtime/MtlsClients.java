package dev.mtlscli.runtime;

import dev.mtlscli.runtime.layer.LayerLayout;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.LayerManifests;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.runtime.secrets.PasswordProvider;
import dev.mtlscli.runtime.secrets.PasswordProviders;
import dev.mtlscli.runtime.tls.SslContexts;
import dev.mtlscli.runtime.tls.TlsPolicy;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Entry point for a Lambda function: reads the manifests of the services it calls from the
 * layer, fetches all their passwords in one go, and builds one {@link MtlsClient} per service.
 * Build it once, during init (a static field of the handler), not per invocation.
 *
 * <pre>{@code
 * static final MtlsClients CLIENTS = MtlsClients.forServices("service-1", "service-2");
 * HttpResponse<String> r = CLIENTS.client("service-1").get(URI.create("https://backend-service-1.com/"));
 * }</pre>
 */
public final class MtlsClients {
    /** MTLS_DEBUG=true: log the negotiated TLS version and suite of every call (see {@link Builder#debug}). */
    public static final String DEBUG_ENV = "MTLS_DEBUG";

    private final Map<String, MtlsClient> clients;
    // held here: org.crac keeps only weak references to registered resources
    private final SnapStartHooks snapStart;

    private MtlsClients(Map<String, MtlsClient> clients, SnapStartHooks snapStart) {
        this.clients = clients;
        this.snapStart = snapStart;
    }

    /** The SnapStart hooks registered for these clients; empty when SnapStart is off (see {@link SnapStartHooks}). */
    public Optional<SnapStartHooks> snapStart() {
        return Optional.ofNullable(snapStart);
    }

    /**
     * The Lambda defaults: layer under /opt (or MTLS_LAYER_ROOT), passwords through the Parameters
     * and Secrets extension when the function has it, else from SSM ({@link PasswordProviders}),
     * TLS policy from the environment.
     */
    public static MtlsClients forServices(String... services) {
        return builder().passwords(PasswordProviders.forLambda(System.getenv())).services(services).build();
    }

    public static MtlsClient forService(String service) {
        return forServices(service).client(service);
    }

    public static Builder builder() {
        return new Builder();
    }

    public MtlsClient client(String service) {
        MtlsClient client = clients.get(service);
        if (client == null) {
            throw new MtlsRuntimeException("service " + service + " was not set up; set up: " + clients.keySet());
        }
        return client;
    }

    public static final class Builder {
        // read from the environment at build() only when not set, so a bad variable cannot
        // break a caller that configures these in code
        private Path layerRoot;
        private TlsPolicy policy;
        private PasswordProvider passwords;
        private PrintStream debug;
        private boolean debugSet;
        private final List<String> services = new ArrayList<>();
        private Map<String, String> environment = System.getenv();

        /**
         * Where to log one line per call with the negotiated TLS version and cipher suite (null:
         * nowhere). Unset, MTLS_DEBUG=true sends it to standard error, which Lambda puts in the
         * function's CloudWatch log.
         */
        public Builder debug(PrintStream out) {
            this.debug = out;
            this.debugSet = true;
            return this;
        }

        public Builder layerRoot(Path root) {
            this.layerRoot = root;
            return this;
        }

        public Builder tlsPolicy(TlsPolicy policy) {
            this.policy = policy;
            return this;
        }

        public Builder passwords(PasswordProvider passwords) {
            this.passwords = passwords;
            return this;
        }

        /** The environment read for what is not set in code (default: the process's; tests pass their own). */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        public Builder services(String... names) {
            services.addAll(Arrays.asList(names));
            return this;
        }

        public MtlsClients build() {
            if (services.isEmpty()) {
                throw new MtlsRuntimeException("no service named");
            }
            if (layerRoot == null) {
                layerRoot = LayerLayout.root(environment);
            }
            if (policy == null) {
                policy = TlsPolicy.fromEnvironment(environment);
            }
            if (!debugSet && Boolean.parseBoolean(environment.get(DEBUG_ENV))) {
                debug = System.err;
            }
            if (passwords == null) {
                throw new MtlsRuntimeException("no password provider: use SsmPasswords, or opt in to EnvironmentPasswords");
            }
            Map<String, LayerManifest> manifests = new LinkedHashMap<>();
            List<ParameterRef> parameters = new ArrayList<>();
            for (String service : services) {
                LayerManifest manifest = LayerManifests.read(LayerLayout.manifest(layerRoot, service));
                if (!manifest.service().equals(service)) {
                    throw new MtlsRuntimeException("the manifest in " + LayerLayout.serviceDirectory(layerRoot, service)
                            + " is for service " + manifest.service());
                }
                manifests.put(service, manifest);
                parameters.add(manifest.keyStore().password());
                parameters.add(manifest.trustStore().password());
            }
            Map<ParameterRef, char[]> secrets = passwords.passwords(parameters);
            Map<String, MtlsClient> clients = new LinkedHashMap<>();
            manifests.forEach((service, manifest) -> clients.put(service, client(manifest, secrets)));
            return new MtlsClients(clients, snapStartWanted(environment)
                    ? SnapStartHooks.register(clients, environment, System.err) : null);
        }

        /**
         * Whether SnapStart is on or priming asked for. Decided here, with the hooks' constants
         * (inlined by the compiler): SnapStartHooks implements org.crac.Resource, so a function
         * without SnapStart loads neither it nor org.crac.
         */
        private static boolean snapStartWanted(Map<String, String> environment) {
            return "snap-start".equals(environment.get(SnapStartHooks.INITIALIZATION_TYPE_ENV))
                    || Boolean.parseBoolean(environment.get(SnapStartHooks.PRIMING_ENV));
        }

        private MtlsClient client(LayerManifest manifest, Map<ParameterRef, char[]> secrets) {
            Path directory = LayerLayout.serviceDirectory(layerRoot, manifest.service());
            char[] keyPassword = secrets.get(manifest.keyStore().password());
            Path trustFile = directory.resolve(manifest.trustStore().file());
            KeyStore keyStore = SslContexts.load(directory.resolve(manifest.keyStore().file()), manifest.keyStore().type(), keyPassword);
            KeyStore trustStore = SslContexts.load(trustFile, manifest.trustStore().type(), secrets.get(manifest.trustStore().password()));
            return new MtlsClient(manifest, SslContexts.createClient(keyStore, keyPassword, trustStore, trustFile.toString()),
                    policy, trustFile.toString(), debug);
        }
    }
}
