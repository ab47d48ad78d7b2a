package dev.mtlscli.bench;

import javax.net.ssl.SSLContext;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Variant (b): the sample's approach. The JSSE system properties name the stores and carry the
 * passwords (given directly, from KEYSTORE_PASSWORD / TRUSTSTORE_PASSWORD), java.net.http.HttpClient
 * uses SSLContext.getDefault(), then one GET. Prints the milliseconds since JVM start.
 */
public final class ColdStartJsse {
    public static void main(String[] args) throws Exception {
        System.setProperty("javax.net.ssl.keyStore", System.getenv("KEYSTORE_FILE"));
        System.setProperty("javax.net.ssl.keyStoreType", "PKCS12");
        System.setProperty("javax.net.ssl.keyStorePassword", System.getenv("KEYSTORE_PASSWORD"));
        System.setProperty("javax.net.ssl.trustStore", System.getenv("TRUSTSTORE_FILE"));
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        System.setProperty("javax.net.ssl.trustStorePassword", System.getenv("TRUSTSTORE_PASSWORD"));

        HttpClient client = HttpClient.newBuilder().sslContext(SSLContext.getDefault()).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(args[0])).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        long now = System.currentTimeMillis();
        if (response.statusCode() != 200) {
            System.err.println("status " + response.statusCode() + ": " + response.body());
            System.exit(1);
        }
        System.out.println(now - ManagementFactory.getRuntimeMXBean().getStartTime());
        System.exit(0);
    }
}
