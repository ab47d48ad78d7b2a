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
    /** MTLS_MAX_BODY_BYTES: the most bytes of a body {@link MtlsClient#get} reads (see {@link Builder#maxBodyBytes}). */
    public static final String MAX_BODY_BYTES_ENV = "MTLS_MAX_BODY_BYTES";
    /**
     * 10 MiB: far above what a backend call of a Lambda function returns (a synchronous response
     * is at most 6 MB), far below the memory of the smallest function (128 MB).
     */
    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;

    private final Map<String, MtlsClient> clients;
    // held here: org.crac keeps only weak references to registered resources
    private final SnapStartHooks snapStart;

    private MtlsClients(Map<String, MtlsClient> clients, SnapStartHooks snapStart) {
        this.clients = clients;
        this.snapStart = snapStart;
    }

    /**
     * The SnapStart hooks registered for these clients.
     *
     * @return the hooks, or empty when the function has SnapStart off and priming is not asked
     *         for (see {@link SnapStartHooks})
     */
    public Optional<SnapStartHooks> snapStart() {
        return Optional.ofNullable(snapStart);
    }

    /**
     * The clients of these services with the Lambda defaults: the layer under /opt (or
     * {@code MTLS_LAYER_ROOT}), the passwords through the Parameters and Secrets extension when
     * the function has it, else from SSM ({@link PasswordProviders#forLambda}), the TLS policy
     * from the environment ({@link TlsPolicy#fromEnvironment}). All passwords are fetched in one
     * go, so naming every service the function calls here costs one round trip, not one each.
     *
     * @param services the services whose layer directories (/opt/mtls/&lt;service&gt;/) the function has
     * @return one client per service, ready to call
     * @throws MtlsRuntimeException when a manifest, store or password is missing or wrong, or
     *         the environment asks for something invalid; the message says which
     */
    public static MtlsClients forServices(String... services) {
        // the provider is chosen when the passwords are asked for, after the manifests are read:
        // a missing layer is then reported as such, not as the SSM client's missing region
        Map<String, String> environment = System.getenv();
        return builder().passwords(parameters -> PasswordProviders.forLambda(environment).passwords(parameters))
                .services(services).build();
    }

    /**
     * The client of one service with the Lambda defaults, for a function that calls only one;
     * the same as {@code forServices(service).client(service)}.
     *
     * @param service the service whose layer directory (/opt/mtls/&lt;service&gt;/) the function has
     * @return its client
     * @throws MtlsRuntimeException as {@link #forServices} does
     */
    public static MtlsClient forService(String service) {
        return forServices(service).client(service);
    }

    /**
     * A builder, for what the defaults of {@link #forServices} do not fit: a password provider
     * of the caller's choice (required), another layer root, TLS policy or environment.
     *
     * @return a builder with nothing set
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The client of one of the services these clients were built for.
     *
     * @param service a service named when building
     * @return its client
     * @throws MtlsRuntimeException when the service was not named when building (a typo in a
     *         service name fails here, at the call, not with a confusing TLS error)
     */
    public MtlsClient client(String service) {
        MtlsClient client = clients.get(service);
        if (client == null) {
            throw new MtlsRuntimeException("service " + service + " was not set up; set up: " + clients.keySet());
        }
        return client;
    }

    /**
     * Builds {@link MtlsClients} with settings given in code. What is not set is read from the
     * environment at {@link #build()}, as {@link MtlsClients#forServices} does, except the
     * password provider, which must be given: a source of secrets is never picked silently.
     */
    public static final class Builder {
        // read from the environment at build() only when not set, so a bad variable cannot
        // break a caller that configures these in code
        private Path layerRoot;
        private TlsPolicy policy;
        private PasswordProvider passwords;
        private PrintStream debug;
        private boolean debugSet;
        private long maxBodyBytes;
        private final List<String> services = new ArrayList<>();
        private Map<String, String> environment = System.getenv();

        /**
         * Where to log one line per call with the negotiated TLS version and cipher suite. Unset,
         * {@code MTLS_DEBUG=true} sends it to standard error, which Lambda puts in the function's
         * CloudWatch log. The line never holds a secret.
         *
         * @param out the stream to log to; null logs nowhere, whatever MTLS_DEBUG says
         * @return this builder
         */
        public Builder debug(PrintStream out) {
            this.debug = out;
            this.debugSet = true;
            return this;
        }

        /**
         * The most bytes of a response body {@link MtlsClient#get} reads into memory; past it the
         * call fails with {@link ResponseTooLargeException}. Unset, {@code MTLS_MAX_BODY_BYTES}
         * or else {@link MtlsClients#DEFAULT_MAX_BODY_BYTES}. {@link MtlsClient#send} with a
         * handler of the caller's own is not limited.
         *
         * @param bytes a positive number of bytes
         * @return this builder
         * @throws MtlsRuntimeException when bytes is not positive
         */
        public Builder maxBodyBytes(long bytes) {
            if (bytes <= 0) {
                throw new MtlsRuntimeException("the maximum body size must be a positive number of bytes: " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * Where the layers are merged; unset, {@code MTLS_LAYER_ROOT} or else /opt, where Lambda
         * puts them.
         *
         * @param root the directory that holds mtls/&lt;service&gt;/
         * @return this builder
         */
        public Builder layerRoot(Path root) {
            this.layerRoot = root;
            return this;
        }

        /**
         * The TLS versions and cipher suites every client may negotiate; unset,
         * {@link TlsPolicy#fromEnvironment}.
         *
         * @param policy the policy of all the clients built
         * @return this builder
         */
        public Builder tlsPolicy(TlsPolicy policy) {
            this.policy = policy;
            return this;
        }

        /**
         * Where the store passwords come from: {@link PasswordProviders#forLambda} for the Lambda
         * default, {@link dev.mtlscli.runtime.secrets.SsmPasswords},
         * {@link dev.mtlscli.runtime.secrets.ExtensionPasswords}, or for local runs
         * {@link dev.mtlscli.runtime.secrets.EnvironmentPasswords}. Required.
         *
         * @param passwords the provider asked once, at {@link #build()}, for every password
         * @return this builder
         */
        public Builder passwords(PasswordProvider passwords) {
            this.passwords = passwords;
            return this;
        }

        /**
         * The environment read for what is not set in code; unset, the process's. Tests and local
         * runs pass their own, so that nothing of the machine's environment leaks in.
         *
         * @param environment the variables, copied
         * @return this builder
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        /**
         * Adds services to build a client for; at least one is needed.
         *
         * @param names services whose layer directories (&lt;root&gt;/mtls/&lt;service&gt;/) exist
         * @return this builder
         */
        public Builder services(String... names) {
            services.addAll(Arrays.asList(names));
            return this;
        }

        /**
         * Reads each service's manifest, fetches all their passwords with one call of the
         * password provider, loads the stores and builds the clients. Call it once, during the
         * function's init: it does file and network I/O.
         *
         * @return the clients, and the SnapStart hooks registered when SnapStart is on
         * @throws MtlsRuntimeException when no service or no password provider is given, a
         *         manifest, store or password is missing or wrong, or a {@code javax.net.ssl.keyStore}
         *         or {@code trustStore} system property names a file that does not exist (left over
         *         from stores kept in the function); the message says which
         */
        public MtlsClients build() {
            if (services.isEmpty()) {
                throw new MtlsRuntimeException("no service named");
            }
            JsseDefaultStores.check(System::getProperty, environment);
            if (layerRoot == null) {
                layerRoot = LayerLayout.root(environment);
            }
            if (policy == null) {
                policy = TlsPolicy.fromEnvironment(environment);
            }
            if (!debugSet && Boolean.parseBoolean(environment.get(DEBUG_ENV))) {
                debug = System.err;
            }
            if (maxBodyBytes == 0) {
                maxBodyBytes = maxBodyBytes(environment);
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

        private static long maxBodyBytes(Map<String, String> environment) {
            String value = environment.get(MAX_BODY_BYTES_ENV);
            if (value == null || value.isBlank()) {
                return DEFAULT_MAX_BODY_BYTES;
            }
            try {
                long bytes = Long.parseLong(value.trim());
                if (bytes > 0) {
                    return bytes;
                }
            } catch (NumberFormatException e) {
                // the same answer as for zero or less, below
            }
            throw new MtlsRuntimeException(MAX_BODY_BYTES_ENV + " must be a positive number of bytes: '" + value + "'");
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
                    policy, trustFile.toString(), debug, maxBodyBytes);
        }
    }
}
