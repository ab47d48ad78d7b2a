package dev.mtlscli.demo;

import java.nio.file.Path;

/** The demo's local mTLS backends: one HTTPS port per service on 127.0.0.1, each requiring a client certificate. */
public interface DemoBackend extends AutoCloseable {

    /**
     * nginx before 1.23.4 leaves TLSv1.3 out of its default ssl_protocols, and the runtime's
     * default TLS policy is TLSv1.3 only, so backends name both.
     */
    String TLS_1_2_AND_1_3 = "TLSv1.2 TLSv1.3";

    /**
     * A backend: its server chain and key, the CA its clients must be signed by, the JSON it
     * answers, and the TLS versions it accepts (nginx's ssl_protocols syntax; null: nginx's own
     * default). With {@code asTheSampleShipsIt} the backend is configured as the AWS sample ships
     * it: ssl_verify_depth 1 and the JSON served as a file from the html root (and, in the sample,
     * no ssl_protocols).
     */
    record Spec(String service, Path serverChain, Path serverKey, Path clientCa, String json, String sslProtocols,
                boolean asTheSampleShipsIt) {
        public Spec(String service, Path serverChain, Path serverKey, Path clientCa, String json) {
            this(service, serverChain, serverKey, clientCa, json, TLS_1_2_AND_1_3, false);
        }

        public static Spec asTheSampleShipsIt(String service, Path serverChain, Path serverKey, Path clientCa, String json) {
            return new Spec(service, serverChain, serverKey, clientCa, json, null, true);
        }
    }

    /** What serves the backends, for the output: e.g. "nginx (/usr/sbin/nginx)". */
    String description();

    int port(String service);

    /** Stops what was started; never throws. */
    @Override
    void close();
}
