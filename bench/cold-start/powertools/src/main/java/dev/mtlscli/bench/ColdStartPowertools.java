package dev.mtlscli.bench;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.parameters.ParamManager;
import software.amazon.lambda.powertools.parameters.SSMProvider;

import javax.net.ssl.SSLContext;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Variant (c): the sample's approach with Powertools for the passwords. Powertools' SSMProvider
 * (one GetParameter with decryption per password, against the loopback fake SSM; region and
 * credentials from the environment), then the JSSE system properties and SSLContext.getDefault()
 * as in variant (b), then one GET. Prints the milliseconds since JVM start.
 */
public final class ColdStartPowertools {
    public static void main(String[] args) throws Exception {
        SsmClient ssm = SsmClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(System.getenv("SSM_ENDPOINT")))
                .build();
        SSMProvider provider = ParamManager.getSsmProvider(ssm);
        String keyStorePassword = provider.withDecryption().get(System.getenv("KEYSTORE_PASSWORD_PARAMETER"));
        String trustStorePassword = provider.withDecryption().get(System.getenv("TRUSTSTORE_PASSWORD_PARAMETER"));

        System.setProperty("javax.net.ssl.keyStore", System.getenv("KEYSTORE_FILE"));
        System.setProperty("javax.net.ssl.keyStoreType", "PKCS12");
        System.setProperty("javax.net.ssl.keyStorePassword", keyStorePassword);
        System.setProperty("javax.net.ssl.trustStore", System.getenv("TRUSTSTORE_FILE"));
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        System.setProperty("javax.net.ssl.trustStorePassword", trustStorePassword);

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
