package dev.mtlscli.runtime.secrets;

import dev.mtlscli.runtime.MtlsRuntimeException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Which password provider a Lambda function gets by default: the Parameters and Secrets
 * extension when it is there, else the SSM client. MTLS_PASSWORD_SOURCE=extension or ssm
 * decides explicitly.
 *
 * The extension is taken to be there when PARAMETERS_SECRETS_EXTENSION_HTTP_PORT is set (the
 * extension's own setting, which the demo stack sets) or when /opt/extensions holds its
 * executable (the AWS layer installs it as AWSParametersAndSecretsLambdaExtension). The SSM
 * path is referenced only when it is chosen, so a function using the extension runs without
 * the AWS SDK on its class path.
 */
public final class PasswordProviders {
    /** {@code MTLS_PASSWORD_SOURCE}: {@code extension} or {@code ssm}, to decide instead of detecting. */
    public static final String SOURCE_ENV = "MTLS_PASSWORD_SOURCE";
    /** Where Lambda puts the extensions of a function's layers, the Parameters and Secrets one among them. */
    public static final Path LAMBDA_EXTENSIONS = Path.of("/opt/extensions");

    /** The message when the SSM path is chosen and the SDK's SSM client is not on the class path. */
    static final String SSM_WITHOUT_SDK = "passwords from SSM need software.amazon.awssdk:ssm and url-connection-client on the"
            + " function's class path (they are optional dependencies of mtls-lambda-runtime); add them, or add AWS's"
            + " Parameters and Secrets extension layer";
    // the SSM client and the HTTP client SsmPasswords.lambdaDefault builds it with: either can be left out on its own
    private static final String[] SDK_CLASSES = {
        "software.amazon.awssdk.services.ssm.SsmClient",
        "software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient",
    };

    private PasswordProviders() {
    }

    /**
     * The provider a Lambda function gets by default, as described above.
     *
     * @param environment the function's environment ({@code System.getenv()})
     * @return {@link ExtensionPasswords} or {@link SsmPasswords}
     * @throws dev.mtlscli.runtime.MtlsRuntimeException when MTLS_PASSWORD_SOURCE is neither
     *         value, the extension's settings are invalid, or SSM is chosen and the SDK's SSM
     *         client (an optional dependency) is not on the class path
     */
    public static PasswordProvider forLambda(Map<String, String> environment) {
        return forLambda(environment, LAMBDA_EXTENSIONS);
    }

    static PasswordProvider forLambda(Map<String, String> environment, Path extensions) {
        String source = environment.getOrDefault(SOURCE_ENV, "").trim().toLowerCase(Locale.ROOT);
        switch (source) {
            case "extension":
                return ExtensionPasswords.fromEnvironment(environment);
            case "ssm":
                return ssm(environment);
            case "":
                return extensionPresent(environment, extensions) ? ExtensionPasswords.fromEnvironment(environment) : ssm(environment);
            default:
                throw new MtlsRuntimeException(SOURCE_ENV + " must be extension or ssm, not '" + source + "'");
        }
    }

    /**
     * The SDK's SSM client is an optional dependency of this library, so a function that relies on
     * the extension can leave it out. Without it, touching SsmPasswords would end in a
     * NoClassDefFoundError that names an SDK class and not what to do: look first, and say it.
     */
    private static PasswordProvider ssm(Map<String, String> environment) {
        for (String sdkClass : SDK_CLASSES) {
            try {
                Class.forName(sdkClass, false, PasswordProviders.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new MtlsRuntimeException(SSM_WITHOUT_SDK + " (" + sdkClass + " is missing)");
            }
        }
        return SsmPasswords.lambdaDefault(environment);
    }

    static boolean extensionPresent(Map<String, String> environment, Path extensions) {
        String port = environment.get(ExtensionPasswords.PORT_ENV);
        if (port != null && !port.isBlank()) {
            return true;
        }
        if (!Files.isDirectory(extensions)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(extensions)) {
            for (Path entry : entries) {
                if (entry.getFileName().toString().toLowerCase(Locale.ROOT).contains("parametersandsecrets")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
