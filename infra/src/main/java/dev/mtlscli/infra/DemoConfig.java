package dev.mtlscli.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What the demo stack is built from: files on the deploying machine and names of what
 * `mtls-cli` published. Every value comes from a CDK context key (`cdk deploy -c KEY=VALUE`,
 * or the `context` of cdk.json) and has a default, so `cdk synth` works without any; paths are
 * relative to the app's working directory (infra/ when run by the CDK CLI). No password is
 * ever an input: the stack names where passwords are, never what they are.
 *
 * @param demoFunctionJar       the demo handlers' shaded jar (demo-function/target/mtls-demo-function.jar)
 * @param lambdaOnlyKeyStore    service 1's client keystore, bundled in the lambda-only function's artifact
 * @param lambdaOnlyTrustStore  the client truststore, bundled beside it
 * @param lambdaOnlyStagingDir  where the lambda-only artifact is assembled (0700; never committed)
 * @param backendDir            the backend container's build directory (Dockerfile + nginx template)
 * @param layerArnService1      the layer version `mtls-cli layer publish` published for service-1; null: version 1 of mtls-service-1 in the stack's account and region
 * @param layerArnService2      the same for service-2
 * @param parametersService1    the password parameters service-1's manifest names, `NAME` or `NAME:VERSION`
 * @param parametersService2    the same for service-2
 * @param kmsKeyArn             the customer KMS key of those parameters (key ARN), or null for the account's aws/ssm key
 * @param architecture          the functions' architecture: arm64 or x86_64
 * @param backendArchitecture   the Fargate tasks' CPU architecture (and the image's platform): x86_64 or arm64
 * @param storePasswordsSecret  the Secrets Manager secret whose JSON fields keystorePassword and
 *                              truststorePassword become the environment of the two functions of
 *                              the sample's environment-password approach (lambda-only, lambda-layer)
 * @param paramsSecretsExtensionLayerArn the AWS Parameters and Secrets Lambda Extension's layer version
 *                              (region- and architecture-specific), for the functions that read SSM; null: no extension
 */
public record DemoConfig(
        Path demoFunctionJar,
        Path lambdaOnlyKeyStore,
        Path lambdaOnlyTrustStore,
        Path lambdaOnlyStagingDir,
        Path backendDir,
        String layerArnService1,
        String layerArnService2,
        List<String> parametersService1,
        List<String> parametersService2,
        String kmsKeyArn,
        String architecture,
        String backendArchitecture,
        String storePasswordsSecret,
        String paramsSecretsExtensionLayerArn) {

    public static final String ARM64 = "arm64";
    public static final String X86_64 = "x86_64";

    // what SSM accepts as a parameter name (a "/"-hierarchy must start with "/"), with an optional :VERSION selector
    private static final Pattern PARAMETER = Pattern.compile("(/[a-zA-Z0-9_.\\-]+)+(:[0-9]+)?|[a-zA-Z0-9_.\\-]+(:[0-9]+)?");
    private static final Pattern LAYER_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[a-zA-Z0-9_-]{1,140}:[0-9]+");
    private static final Pattern KMS_KEY_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+");
    private static final Pattern SECRET_NAME = Pattern.compile("[a-zA-Z0-9/_+=.@-]{1,512}");

    public DemoConfig {
        Objects.requireNonNull(demoFunctionJar, "demoFunctionJar");
        Objects.requireNonNull(lambdaOnlyKeyStore, "lambdaOnlyKeyStore");
        Objects.requireNonNull(lambdaOnlyTrustStore, "lambdaOnlyTrustStore");
        Objects.requireNonNull(lambdaOnlyStagingDir, "lambdaOnlyStagingDir");
        Objects.requireNonNull(backendDir, "backendDir");
        checkLayerArn("layerArnService1", layerArnService1);
        checkLayerArn("layerArnService2", layerArnService2);
        checkLayerArn("paramsSecretsExtensionLayerArn", paramsSecretsExtensionLayerArn);
        parametersService1 = checkParameters("parametersService1", parametersService1);
        parametersService2 = checkParameters("parametersService2", parametersService2);
        if (kmsKeyArn != null && !KMS_KEY_ARN.matcher(kmsKeyArn).matches()) {
            throw new IllegalArgumentException("kmsKeyArn must be a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or key id: "
                    + kmsKeyArn + " (an IAM statement on an alias does not allow using the key)");
        }
        checkArchitecture("architecture", architecture);
        checkArchitecture("backendArchitecture", backendArchitecture);
        if (storePasswordsSecret == null || !SECRET_NAME.matcher(storePasswordsSecret).matches()) {
            throw new IllegalArgumentException("storePasswordsSecret is not a Secrets Manager secret name: " + storePasswordsSecret);
        }
    }

    /**
     * The configuration from the CDK context: {@code context} answers a key's value (a string
     * from {@code -c}, or any JSON value from cdk.json) or null; relative paths are resolved
     * against {@code base}.
     */
    public static DemoConfig fromContext(Function<String, Object> context, Path base) {
        Function<String, String> string = key -> {
            Object value = context.apply(key);
            return value == null || value.toString().isBlank() ? null : value.toString().trim();
        };
        Function<String, Path> path = key -> string.apply(key) == null ? null : base.resolve(string.apply(key)).normalize();

        Path workspace = path.apply("workspace") != null ? path.apply("workspace") : base.resolve("../mtls-certs").normalize();
        Path lambdaOnlyDir = path.apply("lambdaOnlyArtifactDir");
        return new DemoConfig(
                or(path.apply("demoFunctionJar"), base.resolve("../demo-function/target/mtls-demo-function.jar").normalize()),
                lambdaOnlyDir != null ? lambdaOnlyDir.resolve("keystore.p12") : workspace.resolve("clients/service-1/keystore.p12"),
                lambdaOnlyDir != null ? lambdaOnlyDir.resolve("truststore.p12") : serviceOneTrustStore(workspace),
                base.resolve("target/lambda-only-artifact"),
                or(path.apply("backendDir"), base.resolve("backend").normalize()),
                string.apply("layerArnService1"),
                string.apply("layerArnService2"),
                parameters(context.apply("parametersService1"), "service-1"),
                parameters(context.apply("parametersService2"), "service-2"),
                string.apply("kmsKeyArn"),
                or(string.apply("architecture"), ARM64),
                or(string.apply("backendArchitecture"), X86_64),
                or(string.apply("storePasswordsSecret"), "mtls-demo/service-1-store-passwords"),
                string.apply("paramsSecretsExtensionLayerArn"));
    }

    /** The parameters `layer publish` writes by default: /mtls/SERVICE/keystore-password and truststore-password. */
    public static List<String> defaultParameters(String service) {
        return List.of("/mtls/" + service + "/keystore-password", "/mtls/" + service + "/truststore-password");
    }

    /** A parameter selector without its version: IAM resources name parameters, not their versions. */
    public static String parameterName(String selector) {
        int colon = selector.indexOf(':');
        return colon < 0 ? selector : selector.substring(0, colon);
    }

    /** The distinct parameter names (no versions) of a list of selectors, in order. */
    public static List<String> parameterNames(List<String> selectors) {
        return selectors.stream().map(DemoConfig::parameterName).distinct().toList();
    }

    private static List<String> parameters(Object value, String service) {
        if (value == null) {
            return defaultParameters(service);
        }
        List<String> selectors = new ArrayList<>();
        if (value instanceof List<?> list) { // a JSON array in cdk.json
            list.forEach(item -> selectors.add(String.valueOf(item).trim()));
        } else { // -c parametersService1=/mtls/service-1/keystore-password:3,/mtls/service-1/truststore-password:1
            Arrays.stream(value.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(selectors::add);
        }
        return selectors;
    }

    private static List<String> checkParameters(String key, List<String> selectors) {
        if (selectors == null || selectors.isEmpty()) {
            throw new IllegalArgumentException(key + " names no parameter");
        }
        for (String selector : selectors) {
            if (!PARAMETER.matcher(selector).matches()) {
                throw new IllegalArgumentException(key + ": not an SSM parameter name (NAME or NAME:VERSION): " + selector);
            }
        }
        return List.copyOf(selectors);
    }

    private static void checkLayerArn(String key, String arn) {
        if (arn != null && !LAYER_ARN.matcher(arn).matches()) {
            throw new IllegalArgumentException(key + " must be a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION): " + arn);
        }
    }

    private static void checkArchitecture(String key, String value) {
        if (!ARM64.equals(value) && !X86_64.equals(value)) {
            throw new IllegalArgumentException(key + " must be arm64 or x86_64: " + value);
        }
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** Service 1's own truststore, or the shared one of a workspace made before truststores were per service. */
    static Path serviceOneTrustStore(Path workspace) {
        Path own = workspace.resolve("clients/service-1/truststore.p12");
        Path shared = workspace.resolve("clients/truststore.p12");
        return !Files.exists(own) && Files.exists(shared) ? shared : own;
    }
}
