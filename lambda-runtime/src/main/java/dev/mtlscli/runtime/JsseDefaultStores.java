package dev.mtlscli.runtime;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The JVM-wide {@code javax.net.ssl.keyStore} and {@code trustStore} properties, checked before
 * the clients are built. A function migrated from the AWS sample often keeps its
 * {@code JAVA_TOOL_OPTIONS=-Djavax.net.ssl.keyStore=...}; once the stores move into the layer,
 * those files are gone, and the JVM's default TLS context (which the Parameters and Secrets
 * extension client and the AWS SDK use) fails with "problem accessing trust store", a message
 * that names neither the file nor the variable. The clients themselves never use these
 * properties, so the only fix is to remove them; the error says where they came from.
 */
final class JsseDefaultStores {
    static final String TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";
    private static final List<String> STORE_PROPERTIES = List.of("javax.net.ssl.keyStore", "javax.net.ssl.trustStore");

    private JsseDefaultStores() {
    }

    /**
     * @param properties  the JVM's system properties (System::getProperty)
     * @param environment the function's environment, to tell where the properties came from
     * @throws MtlsRuntimeException when a store property names a file that is not there
     */
    static void check(UnaryOperator<String> properties, Map<String, String> environment) {
        for (String property : STORE_PROPERTIES) {
            String value = properties.apply(property);
            // "NONE" is JSSE's own word for a store that is not a file (a PKCS11 token)
            if (value == null || value.isEmpty() || value.equalsIgnoreCase("NONE") || isFile(value)) {
                continue;
            }
            String toolOptions = environment.getOrDefault(TOOL_OPTIONS, "");
            String origin = toolOptions.contains(property + "=")
                    ? "remove the javax.net.ssl.* options from the function's environment variable " + TOOL_OPTIONS
                    : "remove the javax.net.ssl.* system properties (a -D option or System.setProperty)";
            throw new MtlsRuntimeException("the system property " + property + " names " + value
                    + ", which does not exist, so the JVM's default TLS context fails (\"problem accessing trust store\");"
                    + " the layer's stores replace it: " + origin);
        }
    }

    private static boolean isFile(String value) {
        try {
            return Files.isRegularFile(Path.of(value));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
