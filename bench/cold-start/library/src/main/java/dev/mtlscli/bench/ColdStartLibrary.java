package dev.mtlscli.bench;

import dev.mtlscli.runtime.MtlsClients;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpResponse;

/**
 * Variant (a): the library as a function uses it, MtlsClients.forServices. The layer from
 * MTLS_LAYER_ROOT, both passwords in one SSM GetParameters call (region and credentials from the
 * environment, as on Lambda; AWS_ENDPOINT_URL_SSM is the loopback fake SSM), then one GET. Prints the milliseconds since JVM start.
 */
public final class ColdStartLibrary {
    public static void main(String[] args) throws Exception {
        // exactly what a function does: the library's defaults, with AWS_ENDPOINT_URL_SSM
        // pointing the SDK at the loopback fake SSM
        MtlsClients clients = MtlsClients.forServices("service-1");
        HttpResponse<String> response = clients.client("service-1").get(URI.create(args[0]));
        long now = System.currentTimeMillis();
        if (response.statusCode() != 200) {
            System.err.println("status " + response.statusCode() + ": " + response.body());
            System.exit(1);
        }
        System.out.println(now - ManagementFactory.getRuntimeMXBean().getStartTime());
        System.exit(0);
    }
}
