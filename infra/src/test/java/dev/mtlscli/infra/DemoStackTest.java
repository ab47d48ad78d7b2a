package dev.mtlscli.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The synthesized demo stack, checked with the CDK's assertions, twice: once fully configured
 * (layer ARNs, pinned parameter versions, a customer KMS key, x86_64 functions, arm64 tasks) and
 * once from context defaults (a workspace directory, nothing else). Synthesis needs no AWS
 * account, no Docker and no CDK CLI: the demo jar, the stores and the backend directory are
 * stand-ins in a temporary directory. One class, because each JVM pays once for the jsii
 * runtime (about 20 s).
 */
class DemoStackTest {
    private static final String LAYER_1 = "arn:aws:lambda:eu-west-1:111122223333:layer:mtls-service-1:7";
    private static final String LAYER_2 = "arn:aws:lambda:eu-west-1:111122223333:layer:mtls-service-2:4";
    private static final String KMS_KEY = "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555";
    private static final String EXTENSION_LAYER = "arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:11";
    private static final String ROTATOR_CA = "arn:aws:kms:eu-west-1:111122223333:key/33333333-2222-3333-4444-555555555555";
    private static final String EXTENSION_PORT_ENV = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT";
    private static final List<String> SSM_READERS = List.of("ParameterStoreHandler", "MultipleCertificatesHandler");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static DemoConfig configuredConfig;
    static Template configured;
    static JsonNode configuredJson;
    static JsonNode defaultsJson;
    static JsonNode extensionJson;
    static JsonNode rotatorJson;

    @BeforeAll
    static void synth() throws IOException {
        Path jar = Files.write(dir.resolve("mtls-demo-function.jar"), new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0});
        Path stores = Files.createDirectories(dir.resolve("stores"));
        Files.writeString(stores.resolve("keystore.p12"), "not a real keystore");
        Files.writeString(stores.resolve("truststore.p12"), "not a real truststore");
        Path backend = Files.createDirectories(dir.resolve("backend"));
        Files.writeString(backend.resolve("Dockerfile"), "FROM nginx:stable-alpine\n");

        configuredConfig = new DemoConfig(jar, stores.resolve("keystore.p12"), stores.resolve("truststore.p12"),
                dir.resolve("staging"), backend, LAYER_1, LAYER_2,
                List.of("/mtls/service-1/keystore-password:3", "/mtls/service-1/truststore-password:1"),
                List.of("/mtls/service-2/keystore-password:2", "/mtls/service-2/truststore-password:1"),
                KMS_KEY, "x86_64", "arm64", "mtls-demo/service-1-store-passwords", null);
        configured = Template.fromStack(new DemoStack(app(), "Configured", StackProps.builder().build(), configuredConfig));
        configuredJson = JSON.valueToTree(configured.toJSON());

        // the defaults: only where the files are, as `cdk deploy -c workspace=... -c backendDir=...` gives them
        Path workspace = Files.createDirectories(dir.resolve("ws/clients/service-1"));
        Files.writeString(workspace.resolve("keystore.p12"), "k");
        Files.writeString(workspace.resolve("truststore.p12"), "t");
        Map<String, Object> context = Map.of("workspace", "ws", "backendDir", "backend", "demoFunctionJar", "mtls-demo-function.jar");
        DemoConfig defaults = DemoConfig.fromContext(context::get, dir);
        defaultsJson = JSON.valueToTree(Template.fromStack(new DemoStack(app(), "Defaults", StackProps.builder().build(), defaults)).toJSON());

        // the defaults and the Parameters and Secrets extension's layer; the same stack name, since
        // it appears in tags and logical ids, so that the two templates can be compared
        Map<String, Object> extensionContext = new HashMap<>(context);
        extensionContext.put("paramsSecretsExtensionLayerArn", EXTENSION_LAYER);
        DemoConfig extension = DemoConfig.fromContext(extensionContext::get, dir);
        extensionJson = JSON.valueToTree(Template.fromStack(new DemoStack(app(), "Defaults", StackProps.builder().build(), extension)).toJSON());

        // the defaults, a customer parameter key and the scheduled rotator on the KMS CA, with a stand-in rotator jar
        Files.write(dir.resolve("mtls-rotator.jar"), new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0});
        Map<String, Object> rotatorContext = new HashMap<>(context);
        rotatorContext.put("kmsKeyArn", KMS_KEY);
        rotatorContext.put("rotatorCa", ROTATOR_CA);
        rotatorContext.put("rotatorJar", "mtls-rotator.jar");
        rotatorJson = JSON.valueToTree(Template.fromStack(new DemoStack(app(), "Rotated", StackProps.builder().build(),
                DemoConfig.fromContext(rotatorContext::get, dir), DemoRotatorConfig.fromContext(rotatorContext::get, dir))).toJSON());
    }

    /** An app with the context of cdk.json, so that its flags (validation findings are errors) hold here too. */
    @SuppressWarnings("unchecked")
    private static App app() throws IOException {
        Map<String, Object> cdkJson = JSON.readValue(Path.of("cdk.json").toFile(), Map.class);
        return App.Builder.create().context((Map<String, Object>) cdkJson.get("context")).build();
    }

    // ---------------------------------------------------------------- resources

    @Test
    void resourceCounts() {
        Map<String, Integer> expected = new HashMap<>();
        expected.put("AWS::EC2::VPC", 1);
        expected.put("AWS::EC2::Subnet", 4); // public and private, two AZs
        expected.put("AWS::EC2::NatGateway", 1);
        expected.put("AWS::EC2::VPCEndpoint", 1);
        expected.put("AWS::EC2::SecurityGroup", 5); // endpoint, NLB, two backends, functions
        expected.put("AWS::ElasticLoadBalancingV2::LoadBalancer", 1);
        expected.put("AWS::ElasticLoadBalancingV2::Listener", 2);
        expected.put("AWS::ElasticLoadBalancingV2::TargetGroup", 2);
        expected.put("AWS::ECS::Cluster", 1);
        expected.put("AWS::ECS::TaskDefinition", 2);
        expected.put("AWS::ECS::Service", 2);
        expected.put("AWS::Route53::HostedZone", 2);
        expected.put("AWS::Route53::RecordSet", 2);
        expected.put("AWS::Lambda::Function", 5);
        expected.put("AWS::Lambda::LayerVersion", 0); // mtls-cli owns the layers
        expected.put("AWS::ApiGateway::RestApi", 1);
        expected.put("AWS::ApiGateway::Resource", 5);
        expected.put("AWS::ApiGateway::Method", 5);
        expected.put("AWS::ApiGateway::Account", 0); // no account-wide CloudWatch role
        expected.put("AWS::IAM::Policy", 4); // two task execution roles, parameter-store, multiple-certificates
        expected.put("AWS::IAM::ManagedPolicy", 0);
        expected.put("AWS::SSM::Parameter", 0); // the deploy script owns the parameters
        expected.put("AWS::SecretsManager::Secret", 0);
        expected.put("AWS::StepFunctions::StateMachine", 0); // the rotator is off without rotatorCa
        expected.put("AWS::Scheduler::Schedule", 0);
        expected.put("AWS::DynamoDB::Table", 0);
        expected.forEach((type, count) -> configured.resourceCountIs(type, count));
        assertEquals(resources(configuredJson, "AWS::Lambda::Function").size(), resources(defaultsJson, "AWS::Lambda::Function").size());
    }

    // ---------------------------------------------------------------- functions

    @Test
    void functionsAreJava21InTheVpcWithTheConfiguredArchitecture() {
        JsonNode securityGroup = getAtt(logicalId(configuredJson, "AWS::EC2::SecurityGroup",
                r -> r.at("/Properties/GroupDescription").asText().startsWith("Demo functions")), "GroupId");
        Set<String> handlers = new TreeSet<>();
        for (JsonNode function : resources(configuredJson, "AWS::Lambda::Function").values()) {
            JsonNode p = function.get("Properties");
            assertEquals("java21", p.get("Runtime").asText());
            assertEquals("[\"x86_64\"]", p.get("Architectures").toString());
            assertEquals(List.of(securityGroup), list(p.at("/VpcConfig/SecurityGroupIds")));
            assertEquals(privateSubnets(configuredJson), list(p.at("/VpcConfig/SubnetIds")));
            assertEquals("backend-service-1.com", p.at("/Environment/Variables/BACKEND_SERVICE_1_HOST_NAME").asText());
            assertEquals("backend-service-2.com:444", p.at("/Environment/Variables/BACKEND_SERVICE_2_HOST_NAME").asText());
            handlers.add(p.get("Handler").asText());
        }
        assertEquals(new TreeSet<>(List.of(
                "dev.mtlscli.demofunction.NoMtlsHandler::handleRequest",
                "dev.mtlscli.demofunction.LambdaOnlyHandler::handleRequest",
                "dev.mtlscli.demofunction.LambdaLayerHandler::handleRequest",
                "dev.mtlscli.demofunction.ParameterStoreHandler::handleRequest",
                "dev.mtlscli.demofunction.MultipleCertificatesHandler::handleRequest")), handlers);
        // the default architecture is arm64
        for (JsonNode function : resources(defaultsJson, "AWS::Lambda::Function").values()) {
            assertEquals("[\"arm64\"]", function.at("/Properties/Architectures").toString());
        }
    }

    @Test
    void layerFunctionsUseThePublishedLayerVersionsByArn() {
        assertEquals(List.of(), layers(configuredJson, "NoMtlsHandler"));
        assertEquals(List.of(), layers(configuredJson, "LambdaOnlyHandler"));
        assertEquals(List.of(LAYER_1), layers(configuredJson, "LambdaLayerHandler"));
        assertEquals(List.of(LAYER_1), layers(configuredJson, "ParameterStoreHandler"));
        assertEquals(List.of(LAYER_1, LAYER_2), layers(configuredJson, "MultipleCertificatesHandler"));
        // without context: version 1 of layer publish's default names, in the deploying account and region
        String defaultLayer1 = "{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"AWS::Partition\"},\":lambda:\",{\"Ref\":\"AWS::Region\"},\":\","
                + "{\"Ref\":\"AWS::AccountId\"},\":layer:mtls-service-1:1\"]]}";
        assertEquals(List.of(defaultLayer1, defaultLayer1.replace("service-1", "service-2")),
                function(defaultsJson, "MultipleCertificatesHandler").at("/Properties/Layers").findParents("Fn::Join").stream()
                        .map(JsonNode::toString).toList());
    }

    @Test
    void environmentPasswordsAreDynamicReferencesOnlyWhereTheSampleUsesThem() {
        for (String handler : List.of("LambdaOnlyHandler", "LambdaLayerHandler")) {
            JsonNode variables = function(configuredJson, handler).at("/Properties/Environment/Variables");
            assertEquals("{{resolve:secretsmanager:mtls-demo/service-1-store-passwords:SecretString:keystorePassword::}}",
                    variables.get("KEYSTORE_PASSWORD").asText());
            assertEquals("{{resolve:secretsmanager:mtls-demo/service-1-store-passwords:SecretString:truststorePassword::}}",
                    variables.get("TRUSTSTORE_PASSWORD").asText());
        }
        for (String handler : List.of("NoMtlsHandler", "ParameterStoreHandler", "MultipleCertificatesHandler")) {
            JsonNode variables = function(configuredJson, handler).at("/Properties/Environment/Variables");
            assertFalse(variables.has("KEYSTORE_PASSWORD") || variables.has("TRUSTSTORE_PASSWORD"), handler);
        }
    }

    @Test
    void lambdaOnlyBundlesTheStoresBesideTheJar() throws IOException {
        Path staged = configuredConfig.lambdaOnlyStagingDir();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(staged)));
        for (Path file : List.of(staged.resolve("keystore.p12"), staged.resolve("truststore.p12"), staged.resolve("lib/mtls-demo-function.jar"))) {
            assertTrue(Files.isRegularFile(file), file.toString());
            // Lambda runs the code as another user than the owner of the unpacked files
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
        }
        assertEquals("not a real keystore", Files.readString(staged.resolve("keystore.p12")));
        String lambdaOnlyKey = function(configuredJson, "LambdaOnlyHandler").at("/Properties/Code/S3Key").asText();
        String jarKey = function(configuredJson, "NoMtlsHandler").at("/Properties/Code/S3Key").asText();
        assertTrue(lambdaOnlyKey.endsWith(".zip"), lambdaOnlyKey);
        assertTrue(jarKey.endsWith(".jar"), jarKey);
        for (String handler : List.of("LambdaLayerHandler", "ParameterStoreHandler", "MultipleCertificatesHandler")) {
            assertEquals(jarKey, function(configuredJson, handler).at("/Properties/Code/S3Key").asText(), handler);
        }
    }

    // ---------------------------------------------------------------- IAM

    @Test
    void functionsReadExactlyTheParametersOfTheirManifestsAndDecryptWithTheOneKey() {
        assertEquals(List.of(
                        statement("ssm:GetParameters", parameterArns("/mtls/service-1/keystore-password", "/mtls/service-1/truststore-password")),
                        decryptStatement()),
                statements(configuredJson, role(configuredJson, "ParameterStoreHandler")));
        assertEquals(List.of(
                        statement("ssm:GetParameters", parameterArns("/mtls/service-1/keystore-password", "/mtls/service-1/truststore-password",
                                "/mtls/service-2/keystore-password", "/mtls/service-2/truststore-password")),
                        decryptStatement()),
                statements(configuredJson, role(configuredJson, "MultipleCertificatesHandler")));
        for (String handler : List.of("NoMtlsHandler", "LambdaOnlyHandler", "LambdaLayerHandler")) {
            assertEquals(List.of(), statements(configuredJson, role(configuredJson, handler)), handler);
        }
        // every function role: the two AWS managed policies of a function in a VPC, no inline policy
        for (JsonNode function : resources(configuredJson, "AWS::Lambda::Function").values()) {
            JsonNode role = resources(configuredJson, "AWS::IAM::Role").get(function.at("/Properties/Role/Fn::GetAtt/0").asText());
            assertTrue(role.at("/Properties/Policies").isMissingNode());
            assertEquals(2, role.at("/Properties/ManagedPolicyArns").size());
            assertTrue(role.at("/Properties/ManagedPolicyArns").toString().contains("AWSLambdaBasicExecutionRole"));
            assertTrue(role.at("/Properties/ManagedPolicyArns").toString().contains("AWSLambdaVPCAccessExecutionRole"));
        }
        // with the account's aws/ssm key there is nothing to grant on KMS
        assertEquals(List.of(statement("ssm:GetParameters", parameterArns("/mtls/service-1/keystore-password", "/mtls/service-1/truststore-password"))),
                statements(defaultsJson, role(defaultsJson, "ParameterStoreHandler")));
        assertFalse(defaultsJson.toString().contains("kms:"));
    }

    @Test
    void backendExecutionRolesReadExactlyTheirThreeParameters() {
        for (int n = 1; n <= 2; n++) {
            String prefix = "/mtls-demo/service-" + n + "/";
            int number = n;
            String taskId = logicalId(configuredJson, "AWS::ECS::TaskDefinition",
                    r -> r.toString().contains("\"LISTEN_PORT\",\"Value\":\"44" + (number + 2) + "\""));
            String executionRole = resources(configuredJson, "AWS::ECS::TaskDefinition").get(taskId)
                    .at("/Properties/ExecutionRoleArn/Fn::GetAtt/0").asText();
            List<JsonNode> ssm = statements(configuredJson, executionRole).stream()
                    .filter(s -> s.get("Action").toString().contains("ssm:")).toList();
            assertEquals(List.of(
                    statement("ssm:GetParameters", parameterArns(prefix + "client-ca")),
                    statement("ssm:GetParameters", parameterArns(prefix + "server-chain")),
                    statement("ssm:GetParameters", parameterArns(prefix + "server-key"))), ssm.stream().sorted(
                    Comparator.comparing(JsonNode::toString)).toList());
            assertEquals(List.of(decryptStatement()), statements(configuredJson, executionRole).stream()
                    .filter(s -> s.get("Action").toString().contains("kms:")).toList());
        }
    }

    @Test
    void noPolicyAnywhereReadsParametersOrKeysWiderThanNamed() {
        for (JsonNode template : List.of(configuredJson, defaultsJson, extensionJson)) {
            for (JsonNode policy : resources(template, "AWS::IAM::Policy").values()) {
                for (JsonNode statement : policy.at("/Properties/PolicyDocument/Statement")) {
                    String actions = statement.get("Action").toString();
                    if (!actions.contains("ssm:") && !actions.contains("kms:")) {
                        continue;
                    }
                    assertTrue(actions.equals("\"ssm:GetParameters\"") || actions.equals("\"kms:Decrypt\"")
                            || template == extensionJson && actions.equals("[\"ssm:GetParameter\",\"ssm:GetParameters\"]"), actions);
                    assertEquals("Allow", statement.get("Effect").asText());
                    List<JsonNode> resources = statement.get("Resource").isArray() ? list(statement.get("Resource")) : List.of(statement.get("Resource"));
                    for (JsonNode resource : resources) {
                        String text = resource.toString();
                        assertFalse(text.contains("*"), "a wildcard in " + statement);
                        assertTrue(text.contains(":parameter/") || text.equals("\"" + KMS_KEY + "\""), text);
                        assertFalse(text.matches(".*:[0-9]+\"\\]\\]}$"), "a parameter version in an ARN: " + text);
                    }
                }
            }
            for (JsonNode role : resources(template, "AWS::IAM::Role").values()) {
                assertTrue(role.at("/Properties/Policies").isMissingNode(), "an inline role policy: " + role);
            }
        }
    }

    // ---------------------------------------------------------------- rotator

    @Test
    void theRotatorIsDeployedOnlyWithACaAndMovesOnlyTheFunctionsThatReadSsm() {
        for (JsonNode template : List.of(configuredJson, defaultsJson, extensionJson)) {
            assertEquals(0, resources(template, "AWS::Scheduler::Schedule").size());
        }
        assertEquals(1, resources(rotatorJson, "AWS::StepFunctions::StateMachine").size());
        assertEquals(1, resources(rotatorJson, "AWS::Scheduler::Schedule").size());
        assertEquals("ENABLED", resources(rotatorJson, "AWS::Scheduler::Schedule").values().iterator().next().at("/Properties/State").asText());
        String rotator = logicalId(rotatorJson, "AWS::Lambda::Function",
                r -> r.at("/Properties/Handler").asText().equals("dev.mtlscli.rotator.RotatorHandler::handleRequest"));
        List<JsonNode> statements = statements(rotatorJson, resources(rotatorJson, "AWS::Lambda::Function").get(rotator)
                .at("/Properties/Role/Fn::GetAtt/0").asText());
        JsonNode consumers = statements.stream().filter(st -> st.path("Sid").asText().equals("ConsumersByName")).findFirst().orElseThrow();
        Set<String> moved = new TreeSet<>();
        for (JsonNode arn : consumers.get("Resource")) {
            moved.add(arn.findValue("Ref") == null ? arn.toString() : arn.findValues("Ref").stream().map(JsonNode::asText)
                    .filter(ref -> !ref.startsWith("AWS::")).findFirst().orElseThrow());
        }
        // the environment-password functions cannot follow a rotation of their passwords, so they are not consumers
        assertEquals(new TreeSet<>(List.of(functionId(rotatorJson, "ParameterStoreHandler"), functionId(rotatorJson, "MultipleCertificatesHandler"))),
                moved);
        JsonNode ca = statements.stream().filter(st -> st.path("Sid").asText().equals("KmsCa")).findFirst().orElseThrow();
        assertEquals(ROTATOR_CA, ca.get("Resource").asText());
        JsonNode parameterKey = statements.stream().filter(st -> st.path("Sid").asText().equals("ParameterKey")).findFirst().orElseThrow();
        assertEquals(KMS_KEY, parameterKey.get("Resource").asText());
        Set<String> alarmed = new TreeSet<>();
        resources(rotatorJson, "AWS::CloudWatch::Alarm").values().forEach(a -> alarmed.add(a.at("/Properties/Dimensions/0/Value").asText()));
        assertTrue(alarmed.containsAll(List.of("service-1", "service-2")), alarmed.toString());
        assertEquals(JSON.valueToTree(Map.of("Ref", logicalId(rotatorJson, "AWS::DynamoDB::Table", r -> true))),
                rotatorJson.at("/Outputs/RotatorStateTable/Value"));
        assertFalse(defaultsJson.at("/Outputs").has("RotatorStateTable"));
    }

    @Test
    void theRotatorsContextIsReadAndRefusedWithItsKey() {
        Path base = Path.of("/work/infra");
        assertEquals(null, DemoRotatorConfig.fromContext(Map.<String, Object>of()::get, base));
        DemoRotatorConfig paused = DemoRotatorConfig.fromContext(Map.<String, Object>of(
                "rotatorCa", "arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "rotatorEnabled", "false")::get, base);
        assertEquals(Path.of("/work/rotator/target/mtls-rotator.jar"), paused.jar());
        assertFalse(paused.enabled());
        assertFalse(paused.isKmsCa());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DemoRotatorConfig.fromContext(
                Map.<String, Object>of("rotatorCa", "arn:aws:kms:eu-west-1:111122223333:alias/mtls")::get, base));
        assertTrue(e.getMessage().startsWith("rotatorCa"), e.getMessage());

        DemoRotatorConfig noJar = new DemoRotatorConfig(dir.resolve("absent.jar"), ROTATOR_CA, true);
        e = assertThrows(IllegalArgumentException.class, () -> new DemoStack(app(), "NoRotatorJar", StackProps.builder().build(),
                configuredConfig, noJar));
        assertTrue(e.getMessage().contains("rotatorJar"), e.getMessage());
    }

    // ---------------------------------------------------------------- backends

    @Test
    void backendTasksGetTheirMaterialAsSecretsAndTheirSettingsAsVariables() {
        for (int n = 1; n <= 2; n++) {
            String port = n == 1 ? "443" : "444";
            configured.hasResourceProperties("AWS::ECS::TaskDefinition", Match.objectLike(Map.of(
                    "RequiresCompatibilities", List.of("FARGATE"),
                    "RuntimePlatform", Map.of("CpuArchitecture", "ARM64", "OperatingSystemFamily", "LINUX"),
                    "ContainerDefinitions", List.of(Match.objectLike(Map.of(
                            "Name", "nginx",
                            "PortMappings", List.of(Map.of("ContainerPort", Integer.parseInt(port), "Protocol", "tcp"),
                                    Map.of("ContainerPort", 8080, "Protocol", "tcp")),
                            "Environment", List.of(
                                    Map.of("Name", "HEALTH_PORT", "Value", "8080"),
                                    Map.of("Name", "HELLO_JSON", "Value", "{\"hello\": \"from backend service " + n + "\"}"),
                                    Map.of("Name", "LISTEN_PORT", "Value", port),
                                    Map.of("Name", "SERVER_NAME", "Value", "backend-service-" + n + ".com")),
                            "Secrets", List.of(
                                    secret("CLIENT_CA_PEM", "/mtls-demo/service-" + n + "/client-ca"),
                                    secret("SERVER_CHAIN_PEM", "/mtls-demo/service-" + n + "/server-chain"),
                                    secret("SERVER_KEY_PEM", "/mtls-demo/service-" + n + "/server-key"))))))));
        }
        // one image for both, built from the backend directory at deploy time
        assertEquals(1, resources(configuredJson, "AWS::ECS::TaskDefinition").values().stream()
                .map(t -> t.at("/Properties/ContainerDefinitions/0/Image").toString()).distinct().count());
        assertTrue(configuredJson.at("/Resources").toString().contains("container-assets"));
        // the default tasks are x86_64
        for (JsonNode task : resources(defaultsJson, "AWS::ECS::TaskDefinition").values()) {
            assertEquals("X86_64", task.at("/Properties/RuntimePlatform/CpuArchitecture").asText());
        }
        configured.resourcePropertiesCountIs("AWS::ECS::Service", Match.objectLike(Map.of(
                "LaunchType", "FARGATE",
                "DesiredCount", 1,
                "NetworkConfiguration", Map.of("AwsvpcConfiguration", Match.objectLike(Map.of("AssignPublicIp", "DISABLED"))))), 2);
    }

    @Test
    void theInternalNlbForwardsTcp443And444ToTheTwoServicesAndChecksTheirHealthPort() {
        configured.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", Match.objectLike(Map.of(
                "Type", "network",
                "Scheme", "internal",
                "LoadBalancerAttributes", Match.arrayWith(List.of(Map.of("Key", "load_balancing.cross_zone.enabled", "Value", "true"))))));
        assertEquals(privateSubnets(configuredJson),
                list(resources(configuredJson, "AWS::ElasticLoadBalancingV2::LoadBalancer").values().iterator().next().at("/Properties/Subnets")));
        for (int port : List.of(443, 444)) {
            String group = logicalId(configuredJson, "AWS::ElasticLoadBalancingV2::TargetGroup", r -> r.at("/Properties/Port").asInt() == port);
            configured.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Match.objectLike(Map.of(
                    "Port", port, "Protocol", "TCP", "TargetType", "ip",
                    // the container's plain-HTTP health endpoint: nginx answers no TLS without a client certificate
                    "HealthCheckProtocol", "HTTP", "HealthCheckPort", "8080", "HealthCheckPath", "/health")));
            configured.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Match.objectLike(Map.of(
                    "Port", port, "Protocol", "TCP",
                    "DefaultActions", List.of(Map.of("Type", "forward", "TargetGroupArn", Map.of("Ref", group))))));
            configured.hasResourceProperties("AWS::ECS::Service", Match.objectLike(Map.of(
                    "LoadBalancers", List.of(Map.of("ContainerName", "nginx", "ContainerPort", port, "TargetGroupArn", Map.of("Ref", group))))));
        }
    }

    @Test
    void privateZonesAliasTheBackendNamesToTheNlb() {
        String vpc = logicalId(configuredJson, "AWS::EC2::VPC", r -> true);
        String nlb = logicalId(configuredJson, "AWS::ElasticLoadBalancingV2::LoadBalancer", r -> true);
        for (String name : List.of("backend-service-1.com.", "backend-service-2.com.")) {
            String zone = logicalId(configuredJson, "AWS::Route53::HostedZone", r -> r.at("/Properties/Name").asText().equals(name));
            configured.hasResourceProperties("AWS::Route53::HostedZone", Match.objectLike(Map.of(
                    "Name", name,
                    "VPCs", List.of(Map.of("VPCId", Map.of("Ref", vpc), "VPCRegion", Map.of("Ref", "AWS::Region"))))));
            configured.hasResourceProperties("AWS::Route53::RecordSet", Map.of(
                    "Name", name,
                    "Type", "A",
                    "HostedZoneId", Map.of("Ref", zone),
                    "AliasTarget", Map.of(
                            "DNSName", Map.of("Fn::Join", List.of("", List.of("dualstack.", Map.of("Fn::GetAtt", List.of(nlb, "DNSName"))))),
                            "HostedZoneId", Map.of("Fn::GetAtt", List.of(nlb, "CanonicalHostedZoneID")))));
        }
    }

    // ---------------------------------------------------------------- network

    @Test
    void ssmHasAnInterfaceEndpointWithPrivateDns() {
        configured.hasResourceProperties("AWS::EC2::VPCEndpoint", Match.objectLike(Map.of(
                "VpcEndpointType", "Interface",
                "PrivateDnsEnabled", true,
                "ServiceName", Map.of("Fn::Join", List.of("", List.of("com.amazonaws.", Map.of("Ref", "AWS::Region"), ".ssm"))))));
        JsonNode endpoint = resources(configuredJson, "AWS::EC2::VPCEndpoint").values().iterator().next();
        assertEquals(privateSubnets(configuredJson), list(endpoint.at("/Properties/SubnetIds")));
        configured.hasResourceProperties("AWS::EC2::VPC", Match.objectLike(Map.of("EnableDnsHostnames", true, "EnableDnsSupport", true)));
        assertEquals(2, resources(configuredJson, "AWS::EC2::Subnet").values().stream()
                .filter(s -> s.at("/Properties/MapPublicIpOnLaunch").asBoolean()).count());
    }

    @Test
    void securityGroupsAdmitOnlyTheVpcOnTheNeededPorts() {
        for (JsonNode template : List.of(configuredJson, defaultsJson)) {
            JsonNode vpcCidr = JSON.valueToTree(Map.of("Fn::GetAtt", List.of(logicalId(template, "AWS::EC2::VPC", r -> true), "CidrBlock")));
            Map<String, List<Integer>> ingress = new HashMap<>();
            for (Map.Entry<String, JsonNode> group : resources(template, "AWS::EC2::SecurityGroup").entrySet()) {
                List<Integer> ports = new ArrayList<>();
                for (JsonNode rule : group.getValue().at("/Properties/SecurityGroupIngress")) {
                    assertEquals(vpcCidr, rule.get("CidrIp"), "ingress from outside the VPC: " + rule);
                    assertEquals("tcp", rule.get("IpProtocol").asText());
                    assertEquals(rule.get("FromPort"), rule.get("ToPort"));
                    ports.add(rule.get("FromPort").asInt());
                }
                ingress.put(group.getValue().at("/Properties/GroupDescription").asText().split(":")[0], ports);
            }
            assertEquals(Map.of(
                    "SSM interface endpoint", List.of(443),
                    "Backend NLB", List.of(443, 444),
                    "Backend service-1", List.of(443, 8080),
                    "Backend service-2", List.of(444, 8080),
                    "Demo functions", List.of()), ingress);
            assertEquals(0, resources(template, "AWS::EC2::SecurityGroupIngress").size());
            // the functions go out to the VPC only
            JsonNode functions = resources(template, "AWS::EC2::SecurityGroup").values().stream()
                    .filter(g -> g.at("/Properties/GroupDescription").asText().startsWith("Demo functions")).findFirst().orElseThrow();
            for (JsonNode rule : functions.at("/Properties/SecurityGroupEgress")) {
                assertEquals(vpcCidr, rule.get("CidrIp"));
            }
            assertEquals(2, functions.at("/Properties/SecurityGroupEgress").size());
            // the NLB goes out to the tasks only: their TLS ports and their health port
            JsonNode nlb = resources(template, "AWS::EC2::SecurityGroup").values().stream()
                    .filter(g -> g.at("/Properties/GroupDescription").asText().startsWith("Backend NLB")).findFirst().orElseThrow();
            List<Integer> nlbEgress = new ArrayList<>();
            for (JsonNode rule : nlb.at("/Properties/SecurityGroupEgress")) {
                assertEquals(vpcCidr, rule.get("CidrIp"));
                nlbEgress.add(rule.get("FromPort").asInt());
            }
            assertEquals(List.of(443, 444, 8080), nlbEgress);
        }
    }

    // ---------------------------------------------------------------- API and outputs

    @Test
    void theApiHasOneGetResourcePerFunction() {
        configured.hasResourceProperties("AWS::ApiGateway::RestApi", Match.objectLike(Map.of(
                "Name", "mtls-demo", "EndpointConfiguration", Map.of("Types", List.of("REGIONAL")))));
        configured.hasResourceProperties("AWS::ApiGateway::Stage", Match.objectLike(Map.of("StageName", "prod")));
        Map<String, String> handlerOfPath = Map.of(
                "lambda-no-mtls", "NoMtlsHandler",
                "lambda-only", "LambdaOnlyHandler",
                "lambda-layer", "LambdaLayerHandler",
                "lambda-parameter-store", "ParameterStoreHandler",
                "lambda-multiple-certificates", "MultipleCertificatesHandler");
        String api = logicalId(configuredJson, "AWS::ApiGateway::RestApi", r -> true);
        handlerOfPath.forEach((path, handler) -> {
            String resource = logicalId(configuredJson, "AWS::ApiGateway::Resource", r -> r.at("/Properties/PathPart").asText().equals(path));
            configured.hasResourceProperties("AWS::ApiGateway::Resource", Map.of(
                    "PathPart", path, "RestApiId", Map.of("Ref", api), "ParentId", Map.of("Fn::GetAtt", List.of(api, "RootResourceId"))));
            JsonNode method = resources(configuredJson, "AWS::ApiGateway::Method").values().stream()
                    .filter(m -> m.at("/Properties/ResourceId/Ref").asText().equals(resource)).findFirst().orElseThrow();
            assertEquals("GET", method.at("/Properties/HttpMethod").asText());
            assertEquals("AWS_PROXY", method.at("/Properties/Integration/Type").asText());
            assertTrue(method.at("/Properties/Integration/Uri").toString().contains("\"" + functionId(configuredJson, handler) + "\""), path);
        });
    }

    @Test
    void outputsNameTheApiAndEveryFunction() {
        Map<String, String> outputs = Map.of(
                "NoMtlsFunctionName", "NoMtlsHandler",
                "LambdaOnlyFunctionName", "LambdaOnlyHandler",
                "LambdaLayerFunctionName", "LambdaLayerHandler",
                "ParameterStoreFunctionName", "ParameterStoreHandler",
                "MultipleCertificatesFunctionName", "MultipleCertificatesHandler");
        outputs.forEach((output, handler) ->
                configured.hasOutput(output, Match.objectLike(Map.of("Value", Map.of("Ref", functionId(configuredJson, handler))))));
        configured.hasOutput("ApiUrl", Match.objectLike(Map.of("Value", Match.anyValue())));
        assertTrue(configuredJson.at("/Outputs/ApiUrl/Value").toString().contains("execute-api"));
        List<String> names = new ArrayList<>();
        configuredJson.get("Outputs").fieldNames().forEachRemaining(names::add);
        assertEquals(6, names.size(), names.toString()); // no hashed duplicate of the API's URL
    }

    // ---------------------------------------------------------------- Parameters and Secrets extension

    @Test
    void withoutTheExtensionLayerTheStackIsAsBefore() {
        for (JsonNode template : List.of(configuredJson, defaultsJson)) {
            for (JsonNode function : resources(template, "AWS::Lambda::Function").values()) {
                assertFalse(function.at("/Properties/Layers").toString().contains("Parameters-and-Secrets"), function.toString());
                assertTrue(function.at("/Properties/Environment/Variables/" + EXTENSION_PORT_ENV).isMissingNode(), function.toString());
            }
            for (JsonNode policy : resources(template, "AWS::IAM::Policy").values()) {
                assertFalse(policy.toString().contains("\"ssm:GetParameter\""), policy.toString());
            }
        }
        // the extension's stack is the defaults' stack plus the layer, the variable and the action,
        // each on the two SSM-reading functions: no other resource, property or policy changes
        JsonNode stripped = extensionJson.deepCopy();
        int[] removed = new int[3];
        for (JsonNode function : resources(stripped, "AWS::Lambda::Function").values()) {
            removed[0] += removeAll(function.at("/Properties/Layers"), EXTENSION_LAYER);
            if (((ObjectNode) function.at("/Properties/Environment/Variables")).remove(EXTENSION_PORT_ENV) != null) {
                removed[1]++;
            }
        }
        for (JsonNode policy : resources(stripped, "AWS::IAM::Policy").values()) {
            for (JsonNode statement : policy.at("/Properties/PolicyDocument/Statement")) {
                removed[2] += removeAll(statement.get("Action"), "ssm:GetParameter");
                if (statement.get("Action").size() == 1) { // a single action is written as a string
                    ((ObjectNode) statement).set("Action", statement.get("Action").get(0));
                }
            }
        }
        assertEquals("[2, 2, 2]", Arrays.toString(removed));
        List<String> ids = new ArrayList<>();
        defaultsJson.get("Resources").fieldNames().forEachRemaining(ids::add);
        List<String> strippedIds = new ArrayList<>();
        stripped.get("Resources").fieldNames().forEachRemaining(strippedIds::add);
        assertEquals(ids, strippedIds);
        ids.forEach(id -> assertEquals(defaultsJson.at("/Resources/" + id), stripped.at("/Resources/" + id), id));
        assertEquals(defaultsJson, stripped);
    }

    @Test
    void withTheExtensionLayerOnlyTheSsmReadingFunctionsUseItAndMayGetEachParameter() {
        for (String handler : List.of("NoMtlsHandler", "LambdaOnlyHandler", "LambdaLayerHandler", "ParameterStoreHandler", "MultipleCertificatesHandler")) {
            List<JsonNode> layers = list(function(extensionJson, handler).at("/Properties/Layers"));
            List<JsonNode> mtlsLayers = list(function(defaultsJson, handler).at("/Properties/Layers"));
            JsonNode port = function(extensionJson, handler).at("/Properties/Environment/Variables/" + EXTENSION_PORT_ENV);
            if (SSM_READERS.contains(handler)) {
                // after the mtls layers
                List<JsonNode> expected = new ArrayList<>(mtlsLayers);
                expected.add(JSON.valueToTree(EXTENSION_LAYER));
                assertEquals(expected, layers, handler);
                assertEquals("2773", port.asText(), handler);
            } else {
                assertEquals(mtlsLayers, layers, handler);
                assertTrue(port.isMissingNode(), handler);
                assertEquals(List.of(), statements(extensionJson, role(extensionJson, handler)), handler);
            }
        }
        Map<String, List<String>> parameters = Map.of(
                "ParameterStoreHandler", List.of("/mtls/service-1/keystore-password", "/mtls/service-1/truststore-password"),
                "MultipleCertificatesHandler", List.of("/mtls/service-1/keystore-password", "/mtls/service-1/truststore-password",
                        "/mtls/service-2/keystore-password", "/mtls/service-2/truststore-password"));
        parameters.forEach((handler, names) -> {
            Set<JsonNode> arns = new HashSet<>();
            names.forEach(name -> arns.add(JSON.valueToTree(parameterArn(name))));
            Map<String, Set<JsonNode>> resourcesOfAction = new HashMap<>();
            for (JsonNode statement : statements(extensionJson, role(extensionJson, handler))) {
                assertEquals("Allow", statement.get("Effect").asText());
                JsonNode resource = statement.get("Resource");
                for (JsonNode action : statement.get("Action").isArray() ? list(statement.get("Action")) : List.of(statement.get("Action"))) {
                    resourcesOfAction.computeIfAbsent(action.asText(), a -> new HashSet<>())
                            .addAll(resource.isArray() ? list(resource) : List.of(resource));
                }
            }
            assertEquals(Map.of("ssm:GetParameter", arns, "ssm:GetParameters", arns), resourcesOfAction, handler);
        });
    }

    @Test
    void anInvalidExtensionLayerArnIsRefused() {
        Path base = Path.of("/work/infra");
        String key = "paramsSecretsExtensionLayerArn";
        assertEquals(EXTENSION_LAYER, DemoConfig.fromContext(Map.<String, Object>of(key, EXTENSION_LAYER)::get, base).paramsSecretsExtensionLayerArn());
        for (String invalid : List.of(
                "arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64", // no version
                "AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:11",
                "arn:aws:lambda:eu-west-1:015030872274:function:AWS-Parameters-and-Secrets-Lambda-Extension:11")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DemoConfig.fromContext(Map.<String, Object>of(key, invalid)::get, base), invalid);
            assertEquals(key + " must be a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION): " + invalid, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- configuration

    @Test
    void aWorkspaceWithTheOlderSharedTrustStoreStillGivesLambdaOnlyItsTrustStore(@TempDir Path older) throws IOException {
        Files.createDirectories(older.resolve("clients/service-1"));
        Files.writeString(older.resolve("clients/truststore.p12"), "t");

        assertEquals(older.resolve("clients/truststore.p12"), DemoConfig.serviceOneTrustStore(older));

        Files.writeString(older.resolve("clients/service-1/truststore.p12"), "t");
        assertEquals(older.resolve("clients/service-1/truststore.p12"), DemoConfig.serviceOneTrustStore(older));
    }

    @Test
    void contextValuesAreParsedAndChecked() {
        Path base = Path.of("/work/infra");
        DemoConfig defaults = DemoConfig.fromContext(key -> null, base);
        assertEquals(Path.of("/work/demo-function/target/mtls-demo-function.jar"), defaults.demoFunctionJar());
        assertEquals(Path.of("/work/mtls-certs/clients/service-1/keystore.p12"), defaults.lambdaOnlyKeyStore());
        assertEquals(Path.of("/work/mtls-certs/clients/service-1/truststore.p12"), defaults.lambdaOnlyTrustStore());
        assertEquals(Path.of("/work/infra/backend"), defaults.backendDir());
        assertEquals("arm64", defaults.architecture());
        assertEquals("x86_64", defaults.backendArchitecture());
        assertEquals(DemoConfig.defaultParameters("service-2"), defaults.parametersService2());
        assertEquals(null, defaults.paramsSecretsExtensionLayerArn());

        Map<String, Object> context = Map.of(
                "parametersService1", "/mtls/service-1/keystore-password:3, /mtls/service-1/truststore-password:1",
                "parametersService2", List.of("/mtls/service-2/keystore-password:2", "/mtls/service-2/truststore-password"),
                "lambdaOnlyArtifactDir", "/secrets/lambda-only",
                "architecture", "x86_64");
        DemoConfig parsed = DemoConfig.fromContext(context::get, base);
        assertEquals(List.of("/mtls/service-1/keystore-password:3", "/mtls/service-1/truststore-password:1"), parsed.parametersService1());
        assertEquals(List.of("/mtls/service-2/keystore-password", "/mtls/service-2/truststore-password"),
                DemoConfig.parameterNames(parsed.parametersService2()));
        assertEquals(Path.of("/secrets/lambda-only/keystore.p12"), parsed.lambdaOnlyKeyStore());

        Map<String, String> refused = Map.of(
                "architecture", "aarch64",
                "kmsKeyArn", "arn:aws:kms:eu-west-1:111122223333:alias/mtls",
                "layerArnService1", "arn:aws:lambda:eu-west-1:111122223333:layer:mtls-service-1",
                "parametersService1", "/mtls/*",
                "parametersService2", "mtls/service-2/keystore-password");
        refused.forEach((key, value) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DemoConfig.fromContext(Map.<String, Object>of(key, value)::get, base));
            assertTrue(e.getMessage().startsWith(key), e.getMessage());
        });
    }

    @Test
    void missingFilesAreNamedWithTheContextKeyThatSetsThem() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        DemoConfig noBackend = new DemoConfig(configuredConfig.demoFunctionJar(), configuredConfig.lambdaOnlyKeyStore(),
                configuredConfig.lambdaOnlyTrustStore(), dir.resolve("staging-2"), empty, null, null,
                DemoConfig.defaultParameters("service-1"), DemoConfig.defaultParameters("service-2"), null, "arm64", "x86_64", "s", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DemoStack(app(), "NoBackend", StackProps.builder().build(), noBackend));
        assertTrue(e.getMessage().contains("backendDir"), e.getMessage());

        DemoConfig noStores = new DemoConfig(configuredConfig.demoFunctionJar(), empty.resolve("keystore.p12"),
                configuredConfig.lambdaOnlyTrustStore(), dir.resolve("staging-3"), configuredConfig.backendDir(), null, null,
                DemoConfig.defaultParameters("service-1"), DemoConfig.defaultParameters("service-2"), null, "arm64", "x86_64", "s", null);
        e = assertThrows(IllegalArgumentException.class, () -> new DemoStack(app(), "NoStores", StackProps.builder().build(), noStores));
        assertTrue(e.getMessage().contains("lambdaOnlyArtifactDir"), e.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, JsonNode> resources(JsonNode template, String type) {
        Map<String, JsonNode> found = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> all = template.get("Resources").fields();
        all.forEachRemaining(e -> {
            if (e.getValue().get("Type").asText().equals(type)) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    private static String logicalId(JsonNode template, String type, Predicate<JsonNode> which) {
        List<String> ids = resources(template, type).entrySet().stream().filter(e -> which.test(e.getValue())).map(Map.Entry::getKey).toList();
        assertEquals(1, ids.size(), type + ": " + ids);
        return ids.get(0);
    }

    private static String functionId(JsonNode template, String handlerClass) {
        return logicalId(template, "AWS::Lambda::Function",
                r -> r.at("/Properties/Handler").asText().equals("dev.mtlscli.demofunction." + handlerClass + "::handleRequest"));
    }

    private static JsonNode function(JsonNode template, String handlerClass) {
        return resources(template, "AWS::Lambda::Function").get(functionId(template, handlerClass));
    }

    private static String role(JsonNode template, String handlerClass) {
        return function(template, handlerClass).at("/Properties/Role/Fn::GetAtt/0").asText();
    }

    private static List<String> layers(JsonNode template, String handlerClass) {
        return list(function(template, handlerClass).at("/Properties/Layers")).stream().map(JsonNode::asText).toList();
    }

    /** The statements of every AWS::IAM::Policy attached to a role. */
    private static List<JsonNode> statements(JsonNode template, String role) {
        List<JsonNode> statements = new ArrayList<>();
        for (JsonNode policy : resources(template, "AWS::IAM::Policy").values()) {
            if (list(policy.at("/Properties/Roles")).contains(JSON.valueToTree(Map.of("Ref", role)))) {
                policy.at("/Properties/PolicyDocument/Statement").forEach(statements::add);
            }
        }
        return statements;
    }

    /** Removes every text element equal to value from an array (or nothing from a missing node), and answers how many there were. */
    private static int removeAll(JsonNode node, String value) {
        if (!(node instanceof ArrayNode array)) {
            return 0;
        }
        int removed = 0;
        for (int i = array.size() - 1; i >= 0; i--) {
            if (array.get(i).isTextual() && array.get(i).asText().equals(value)) {
                array.remove(i);
                removed++;
            }
        }
        return removed;
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    private static List<JsonNode> privateSubnets(JsonNode template) {
        return resources(template, "AWS::EC2::Subnet").entrySet().stream()
                .filter(e -> !e.getValue().at("/Properties/MapPublicIpOnLaunch").asBoolean())
                .map(e -> (JsonNode) JSON.valueToTree(Map.of("Ref", e.getKey())))
                .sorted(Comparator.comparing(JsonNode::toString))
                .toList();
    }

    private static JsonNode getAtt(String logicalId, String attribute) {
        return JSON.valueToTree(Map.of("Fn::GetAtt", List.of(logicalId, attribute)));
    }

    /** arn:PARTITION:ssm:REGION:ACCOUNT:parameter/NAME as the template writes it (tokens of the deploying account). */
    private static Object parameterArn(String name) {
        return Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), ":ssm:", Map.of("Ref", "AWS::Region"), ":",
                Map.of("Ref", "AWS::AccountId"), ":parameter" + name)));
    }

    private static Object parameterArns(String... names) {
        return names.length == 1 ? parameterArn(names[0]) : List.of(names).stream().map(DemoStackTest::parameterArn).toList();
    }

    private static JsonNode statement(String action, Object resource) {
        return JSON.valueToTree(Map.of("Action", action, "Effect", "Allow", "Resource", resource));
    }

    private static JsonNode decryptStatement() {
        return JSON.valueToTree(Map.of("Action", "kms:Decrypt", "Effect", "Allow", "Resource", KMS_KEY,
                "Condition", Map.of("StringEquals", Map.of("kms:ViaService",
                        Map.of("Fn::Join", List.of("", List.of("ssm.", Map.of("Ref", "AWS::Region"), ".amazonaws.com")))))));
    }

    private static Map<String, Object> secret(String name, String parameter) {
        return Map.of("Name", name, "ValueFrom", parameterArn(parameter));
    }
}
