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
    public static final String SOURCE_ENV = "MTLS_PASSWORD_SOURCE";
    public static final Path LAMBDA_EXTENSIONS = Path.of("/opt/extensions");

    private PasswordProviders() {
    }

    public static PasswordProvider forLambda(Map<String, String> environment) {
        return forLambda(environment, LAMBDA_EXTENSIONS);
    }

    static PasswordProvider forLambda(Map<String, String> environment, Path extensions) {
        String source = environment.getOrDefault(SOURCE_ENV, "").trim().toLowerCase(Locale.ROOT);
        switch (source) {
            case "extension":
                return ExtensionPasswords.fromEnvironment(environment);
            case "ssm":
                return SsmPasswords.lambdaDefault();
            case "":
                return extensionPresent(environment, extensions)
                        ? ExtensionPasswords.fromEnvironment(environment) : SsmPasswords.lambdaDefault();
            default:
                throw new MtlsRuntimeException(SOURCE_ENV + " must be extension or ssm, not '" + source + "'");
        }
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
