package dev.mtlscli.bench;

import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.runtime.secrets.SsmPasswords;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpResponse;

/**
 * Variant (a): the library as a function uses it. The layer from MTLS_LAYER_ROOT, both passwords
 * in one SSM GetParameters call (region and credentials from the environment, as on Lambda; the
 * endpoint is the loopback fake SSM), then one GET. Prints the milliseconds since JVM start.
 */
public final class ColdStartLibrary {
    public static void main(String[] args) throws Exception {
        SsmClient ssm = SsmClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(System.getenv("SSM_ENDPOINT")))
                .build();
        MtlsClients clients = MtlsClients.builder().passwords(new SsmPasswords(ssm)).services("service-1").build();
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
