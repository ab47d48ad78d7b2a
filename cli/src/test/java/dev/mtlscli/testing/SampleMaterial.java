package dev.mtlscli.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Material made the way the AWS sample "mTLS for Java-based AWS Lambda" makes it with openssl
 * and keytool (bench/certs-create.sh times the same flow): per service a root CA
 * (rootCA-service-N.key unencrypted, .crt), a backend certificate signed by it without
 * extensions (backend_service_N.key, .crt), a JKS client keystore client_keystore_N.jks with
 * the key pair under alias "lambda", the CA as trusted entry rootCA-service-N and the signed
 * certificate as reply; and one JKS client_truststore.jks holding both root CAs and both
 * backend certificates. Every store and key password is {@link #PASSWORD}.
 */
public final class SampleMaterial {
    public static final String PASSWORD = "secret";
    private static final String PASSWORD_VARIABLE = "SAMPLE_STORE_PASSWORD";
    private static final String[] STATE = {"", "Washington", "Oregon"};
    private static final String[] CITY = {"", "Seattle", "Portland"};

    private final Path dir;

    private SampleMaterial(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /**
     * @param backendHost the backend certificates' CN ("backend-service-N.com" in the sample; a
     *                    test that connects on this machine passes "localhost"), %d for the service number
     */
    public static SampleMaterial create(Path dir, String backendHost) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SampleMaterial material = new SampleMaterial(dir);
        for (int n = 1; n <= 2; n++) {
            material.rootCa(n);
            material.backend(n, String.format(backendHost, n));
        }
        material.trustStore();
        for (int n = 1; n <= 2; n++) {
            material.clientKeyStore(n);
        }
        return material;
    }

    private void rootCa(int n) {
        openssl("genrsa", "-out", path("rootCA-service-" + n + ".key"), "2048");
        openssl("req", "-x509", "-new", "-nodes", "-key", path("rootCA-service-" + n + ".key"), "-sha256", "-days", "365",
                "-subj", "/C=US/ST=" + STATE[n] + "/L=" + CITY[n] + "/O=Root CA Inc./OU=CA", "-out", path("rootCA-service-" + n + ".crt"));
    }

    private void backend(int n, String host) {
        String base = "backend_service_" + n;
        openssl("genrsa", "-out", path(base + ".key"), "2048");
        openssl("req", "-new", "-sha256", "-key", path(base + ".key"),
                "-subj", "/C=US/ST=" + STATE[n] + "/L=" + CITY[n] + "/O=Backend Service " + n + "/OU=Backend/CN=" + host,
                "-out", path(base + ".csr"));
        openssl("x509", "-req", "-in", path(base + ".csr"), "-days", "365", "-sha256",
                "-CA", path("rootCA-service-" + n + ".crt"), "-CAkey", path("rootCA-service-" + n + ".key"),
                "-CAcreateserial", "-CAserial", path("rootCA-service-" + n + ".srl"), "-out", path(base + ".crt"));
    }

    private void trustStore() {
        for (int n = 1; n <= 2; n++) {
            keytool("-importcert", "-noprompt", "-keystore", path("client_truststore.jks"), "-storetype", "JKS",
                    "-storepass:env", PASSWORD_VARIABLE, "-alias", "rootCA-service-" + n, "-file", path("rootCA-service-" + n + ".crt"));
        }
        for (int n = 1; n <= 2; n++) {
            keytool("-importcert", "-noprompt", "-keystore", path("client_truststore.jks"), "-storetype", "JKS",
                    "-storepass:env", PASSWORD_VARIABLE, "-alias", "backend_service_" + n, "-file", path("backend_service_" + n + ".crt"));
        }
    }

    private void clientKeyStore(int n) {
        String keyStore = path("client_keystore_" + n + ".jks");
        keytool("-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA", "-alias", "lambda",
                "-keystore", keyStore, "-storetype", "JKS", "-storepass:env", PASSWORD_VARIABLE, "-keypass:env", PASSWORD_VARIABLE,
                "-validity", "365", "-dname", "CN=Lambda for Backend Service " + n + ", OU=Platform, O=Demo Company, C=US");
        keytool("-certreq", "-alias", "lambda", "-sigalg", "SHA256withRSA", "-keystore", keyStore, "-storetype", "JKS",
                "-storepass:env", PASSWORD_VARIABLE, "-file", path("client_" + n + ".csr"));
        openssl("x509", "-req", "-in", path("client_" + n + ".csr"), "-sha256", "-days", "365",
                "-CA", path("rootCA-service-" + n + ".crt"), "-CAkey", path("rootCA-service-" + n + ".key"),
                "-CAcreateserial", "-CAserial", path("client_" + n + ".srl"), "-out", path("client_" + n + ".crt"));
        keytool("-importcert", "-noprompt", "-keystore", keyStore, "-storetype", "JKS", "-storepass:env", PASSWORD_VARIABLE,
                "-alias", "rootCA-service-" + n, "-file", path("rootCA-service-" + n + ".crt"));
        keytool("-importcert", "-noprompt", "-trustcacerts", "-keystore", keyStore, "-storetype", "JKS",
                "-storepass:env", PASSWORD_VARIABLE, "-alias", "lambda", "-file", path("client_" + n + ".crt"));
    }

    private String path(String name) {
        return dir.resolve(name).toString();
    }

    private static void openssl(String... args) {
        Tool.openssl(args).runOk();
    }

    private static void keytool(String... args) {
        Tool.keytool(args).env(PASSWORD_VARIABLE, PASSWORD).runOk();
    }
}
