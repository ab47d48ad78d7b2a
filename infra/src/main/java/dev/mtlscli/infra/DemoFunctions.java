package dev.mtlscli.infra;

import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.SecretValue;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.SecretsManagerSecretOptions;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.ILayerVersion;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The five demo functions of demo-function/ (dev.mtlscli.demofunction), one per approach of
 * the sample: Java 21, in the VPC's private subnets, allowed out only to the VPC on 443 (SSM's
 * endpoint, backend 1) and 444 (backend 2). The layer functions use the layer versions that
 * `mtls-cli layer publish` published, by ARN: the CDK never builds a layer, so mtls-cli stays
 * the one owner of their versions. Only the two functions that read SSM get a policy, on the
 * exact parameters of their layers; with paramsSecretsExtensionLayerArn, those two also get AWS's
 * Parameters and Secrets extension and read their passwords through it.
 */
public final class DemoFunctions extends Construct {
    /** The demos, in the order of the sample, with their API path and handler class. */
    public enum Demo {
        NO_MTLS("lambda-no-mtls", "NoMtlsHandler", "NoMtls",
                "no client certificate, the JDK's truststore: fails with PKIX path building failed"),
        LAMBDA_ONLY("lambda-only", "LambdaOnlyHandler", "LambdaOnly",
                "stores bundled in the function artifact, passwords in the environment (the sample's anti-pattern)"),
        LAMBDA_LAYER("lambda-layer", "LambdaLayerHandler", "LambdaLayer",
                "stores from the service-1 layer, passwords in the environment"),
        PARAMETER_STORE("lambda-parameter-store", "ParameterStoreHandler", "ParameterStore",
                "stores from the service-1 layer, passwords from SSM pinned by the manifest"),
        MULTIPLE_CERTIFICATES("lambda-multiple-certificates", "MultipleCertificatesHandler", "MultipleCertificates",
                "service-1 and service-2 layers, four passwords from SSM in one call, both backends");

        private final String path;
        private final String handlerClass;
        private final String id;
        private final String description;

        Demo(String path, String handlerClass, String id, String description) {
            this.path = path;
            this.handlerClass = handlerClass;
            this.id = id;
            this.description = description;
        }

        /** The API Gateway resource: /lambda-no-mtls, ... */
        public String path() {
            return path;
        }

        public String handler() {
            return "dev.mtlscli.demofunction." + handlerClass + "::handleRequest";
        }

        /** The construct id, and the stem of the stack output of its name. */
        public String id() {
            return id;
        }
    }

    static final String KEYSTORE_PASSWORD_FIELD = "keystorePassword";
    static final String TRUSTSTORE_PASSWORD_FIELD = "truststorePassword";
    /** The extension's own port setting; the runtime library takes its presence as "use the extension". */
    static final String EXTENSION_PORT_ENV = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT";
    static final String EXTENSION_PORT = "2773"; // the extension's default: setting it changes nothing for the extension

    private final Map<Demo, Function> functions = new EnumMap<>(Demo.class);

    public DemoFunctions(Construct scope, String id, Network network, DemoConfig config) {
        super(scope, id);
        SecurityGroup securityGroup = network.securityGroup(this, "SecurityGroup",
                "Demo functions: out to the VPC only, 443 (SSM endpoint, backend 1) and 444 (backend 2)");
        securityGroup.addEgressRule(network.vpcCidr(), Port.tcp(Network.SERVICE_1_PORT), "SSM endpoint and backend-service-1.com");
        securityGroup.addEgressRule(network.vpcCidr(), Port.tcp(Network.SERVICE_2_PORT), "backend-service-2.com:444");

        LambdaOnlyArtifact.requireFile(config.demoFunctionJar(),
                "the demo function jar (context key demoFunctionJar; build it with mvn -pl demo-function -am package)");
        Code code = Code.fromAsset(config.demoFunctionJar().toString());
        Code lambdaOnlyCode = Code.fromAsset(LambdaOnlyArtifact.stage(config).toString());

        ILayerVersion layer1 = LayerVersion.fromLayerVersionArn(this, "Service1Layer",
                layerArn(config.layerArnService1(), "service-1"));
        ILayerVersion layer2 = LayerVersion.fromLayerVersionArn(this, "Service2Layer",
                layerArn(config.layerArnService2(), "service-2"));
        ILayerVersion extension = config.paramsSecretsExtensionLayerArn() == null ? null
                : LayerVersion.fromLayerVersionArn(this, "ParamsSecretsExtensionLayer", config.paramsSecretsExtensionLayerArn());

        // The sample's environment-password approach: the template holds only a dynamic
        // reference, CloudFormation resolves it at deploy time into the functions' environment.
        Map<String, String> environmentPasswords = new TreeMap<>(Map.of(
                "KEYSTORE_PASSWORD", secretField(config.storePasswordsSecret(), KEYSTORE_PASSWORD_FIELD),
                "TRUSTSTORE_PASSWORD", secretField(config.storePasswordsSecret(), TRUSTSTORE_PASSWORD_FIELD)));

        Architecture architecture = DemoConfig.ARM64.equals(config.architecture()) ? Architecture.ARM_64 : Architecture.X86_64;
        for (Demo demo : Demo.values()) {
            Map<String, String> environment = new TreeMap<>(Map.of(
                    "BACKEND_SERVICE_1_HOST_NAME", Backends.Backend.SERVICE_1.address(),
                    "BACKEND_SERVICE_2_HOST_NAME", Backends.Backend.SERVICE_2.address()));
            List<ILayerVersion> layers = new ArrayList<>(switch (demo) {
                case NO_MTLS, LAMBDA_ONLY -> List.<ILayerVersion>of();
                case LAMBDA_LAYER, PARAMETER_STORE -> List.of(layer1);
                case MULTIPLE_CERTIFICATES -> List.of(layer1, layer2);
            });
            if (demo == Demo.LAMBDA_ONLY || demo == Demo.LAMBDA_LAYER) {
                environment.putAll(environmentPasswords);
            }
            List<String> parameters = switch (demo) {
                case PARAMETER_STORE -> config.parametersService1();
                case MULTIPLE_CERTIFICATES -> concat(config.parametersService1(), config.parametersService2());
                default -> List.of();
            };
            boolean viaExtension = extension != null && !parameters.isEmpty();
            if (viaExtension) {
                layers.add(extension);
                environment.put(EXTENSION_PORT_ENV, EXTENSION_PORT);
            }
            LogGroup logs = LogGroup.Builder.create(this, demo.id() + "Logs")
                    .retention(RetentionDays.ONE_WEEK)
                    .removalPolicy(RemovalPolicy.DESTROY)
                    .build();
            Function function = Function.Builder.create(this, demo.id())
                    .description("mtls-cli demo " + demo.path() + ": " + demo.description)
                    .runtime(Runtime.JAVA_21)
                    .architecture(architecture)
                    .handler(demo.handler())
                    .code(demo == Demo.LAMBDA_ONLY ? lambdaOnlyCode : code)
                    .layers(layers)
                    .memorySize(1024)
                    .timeout(Duration.seconds(20))
                    .environment(environment)
                    .vpc(network.vpc())
                    .vpcSubnets(network.privateSubnets())
                    .securityGroups(List.of(securityGroup))
                    .logGroup(logs)
                    .build();
            if (!parameters.isEmpty()) {
                function.addToRolePolicy(ParameterAccess.getParameters(this, parameters, viaExtension));
                if (config.kmsKeyArn() != null) {
                    function.addToRolePolicy(ParameterAccess.decrypt(config.kmsKeyArn()));
                }
            }
            functions.put(demo, function);
        }
    }

    public Function function(Demo demo) {
        return functions.get(demo);
    }

    /** The given layer version ARN, or version 1 of mtls-SERVICE (layer publish's default name) in the stack's account and region. */
    private String layerArn(String arn, String service) {
        if (arn != null) {
            return arn;
        }
        return Stack.of(this).formatArn(ArnComponents.builder()
                .service("lambda")
                .resource("layer")
                .resourceName("mtls-" + service + ":1")
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                .build());
    }

    private static String secretField(String secret, String field) {
        return SecretValue.secretsManager(secret, SecretsManagerSecretOptions.builder().jsonField(field).build()).unsafeUnwrap();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
