package dev.mtlscli.demo;

import java.nio.file.Path;

/** The demo's local mTLS backends: one HTTPS port per service on 127.0.0.1, each requiring a client certificate. */
public interface DemoBackend extends AutoCloseable {

    /** A backend: its server chain and key, the CA its clients must be signed by, and the JSON it answers. */
    record Spec(String service, Path serverChain, Path serverKey, Path clientCa, String json) {
    }

    /** What serves the backends, for the output: e.g. "nginx (/usr/sbin/nginx)". */
    String description();

    int port(String service);

    /** Stops what was started; never throws. */
    @Override
    void close();
}
