package dev.mtlscli.runtime;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

import java.io.PrintStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Lambda SnapStart support through org.crac (a no-op on a JVM without CRaC or SnapStart).
 *
 * Before the snapshot: the SSLContexts are built already (MtlsClients builds them in init); with
 * priming on (MTLS_SNAPSTART_PRIMING=true) each service also opens one TLS connection to its
 * backend and closes it, so the snapshot holds the TLS code loaded and compiled. A priming
 * failure is logged and does not stop the snapshot.
 *
 * After restore: every service gets a new SSLContext (new SecureRandom, no TLS sessions from the
 * snapshot) and a new HttpClient (no pooled connection, which died with the snapshot, and new
 * DNS lookups). Restored copies of one snapshot therefore share no random state.
 *
 * The snapshot holds the decrypted key material and the passwords, as the function's memory
 * does; Lambda encrypts snapshots (docs/runtime.md).
 */
public final class SnapStartHooks implements Resource {
    /** Set by Lambda: "snap-start" in a function with SnapStart on. */
    public static final String INITIALIZATION_TYPE_ENV = "AWS_LAMBDA_INITIALIZATION_TYPE";
    /** "true": open and close one TLS connection per service before the snapshot. */
    public static final String PRIMING_ENV = "MTLS_SNAPSTART_PRIMING";
    /** The backend to prime SERVICE with (https://host[:port]/); default https://HOST/ from the manifest. */
    public static final String PRIMING_URL_ENV_PREFIX = "MTLS_SNAPSTART_PRIMING_URL_";

    private final Map<String, MtlsClient> clients;
    private final Map<String, URI> primingTargets;
    private final PrintStream log;

    SnapStartHooks(Map<String, MtlsClient> clients, Map<String, URI> primingTargets, PrintStream log) {
        this.clients = Map.copyOf(clients);
        this.primingTargets = Map.copyOf(primingTargets);
        this.log = log;
    }

    /** The hooks the environment asks for, registered with org.crac's global context. */
    static SnapStartHooks register(Map<String, MtlsClient> clients, Map<String, String> environment, PrintStream log) {
        boolean priming = Boolean.parseBoolean(environment.get(PRIMING_ENV));
        SnapStartHooks hooks = new SnapStartHooks(clients, priming ? targets(clients, environment) : Map.of(), log);
        Core.getGlobalContext().register(hooks);
        return hooks;
    }

    private static Map<String, URI> targets(Map<String, MtlsClient> clients, Map<String, String> environment) {
        Map<String, URI> targets = new LinkedHashMap<>();
        clients.forEach((service, client) -> {
            String variable = PRIMING_URL_ENV_PREFIX + service.toUpperCase(Locale.ROOT).replace('-', '_');
            String configured = environment.get(variable);
            targets.put(service, URI.create(configured != null && !configured.isBlank() ? configured.trim()
                    : "https://" + client.manifest().host() + "/"));
        });
        return targets;
    }

    /**
     * The services primed before the snapshot, with their backends.
     *
     * @return service to backend URI; empty when priming is off
     */
    public Map<String, URI> primingTargets() {
        return primingTargets;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        primingTargets.forEach((service, backend) -> {
            try {
                clients.get(service).prime(backend);
            } catch (Exception e) {
                log.println("mtls-runtime: priming " + service + " with " + backend + " failed, the snapshot is taken without it: " + e);
            }
        });
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        clients.values().forEach(MtlsClient::renew);
    }
}
