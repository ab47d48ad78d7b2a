package dev.mtlscli.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ecr.assets.DockerImageAsset;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.elasticloadbalancingv2.AddNetworkTargetsProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseNetworkListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.NetworkListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.Protocol;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.GrantOnPrincipalOptions;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.route53.ARecord;
import software.amazon.awscdk.services.route53.PrivateHostedZone;
import software.amazon.awscdk.services.route53.RecordTarget;
import software.amazon.awscdk.services.route53.targets.LoadBalancerTarget;
import software.constructs.Construct;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The two mTLS backends: one ECS cluster, one nginx image (built from infra/backend/), and per
 * service a Fargate service, an NLB listener with its target group, and a private hosted zone
 * whose apex is an alias of the NLB. nginx requires client certificates; its server chain, key
 * and client-CA bundle are SecureString parameters that the deploy script puts in SSM before
 * `cdk deploy` (never in the image, never in git), handed to the container as ECS secrets.
 */
public final class Backends extends Construct {
    /** The parameters of service N's material: PARAMETER_PREFIX + "service-N/" + server-chain, server-key, client-ca. */
    public static final String PARAMETER_PREFIX = "/mtls-demo/";
    static final String CONTAINER = "nginx";

    /** A backend: the service name, its host name (the private zone) and its TLS port. */
    public record Backend(String service, String hostName, int port, String hello) {
        public static final Backend SERVICE_1 = new Backend("service-1", "backend-service-1.com", Network.SERVICE_1_PORT,
                "{\"hello\": \"from backend service 1\"}");
        public static final Backend SERVICE_2 = new Backend("service-2", "backend-service-2.com", Network.SERVICE_2_PORT,
                "{\"hello\": \"from backend service 2\"}");

        /** HOST or HOST:PORT, as the demo handlers' BACKEND_SERVICE_N_HOST_NAME variables take it. */
        public String address() {
            return port == 443 ? hostName : hostName + ":" + port;
        }

        /** The three parameters of its material, in the order of {@link #SECRET_VARIABLES}. */
        public List<String> parameterNames() {
            return List.of(PARAMETER_PREFIX + service + "/server-chain", PARAMETER_PREFIX + service + "/server-key",
                    PARAMETER_PREFIX + service + "/client-ca");
        }
    }

    /** The container's variables for the three parameters, in the order of {@link Backend#parameterNames()}. */
    static final List<String> SECRET_VARIABLES = List.of("SERVER_CHAIN_PEM", "SERVER_KEY_PEM", "CLIENT_CA_PEM");

    public Backends(Construct scope, String id, Network network, DemoConfig config) {
        super(scope, id);
        if (!Files.isRegularFile(config.backendDir().resolve("Dockerfile"))) {
            throw new IllegalArgumentException("no Dockerfile in the backend directory " + config.backendDir()
                    + " (context key backendDir)");
        }
        boolean arm = DemoConfig.ARM64.equals(config.backendArchitecture());
        Cluster cluster = Cluster.Builder.create(this, "Cluster").vpc(network.vpc()).build();
        // one image for both services; synth only stages the directory, `cdk deploy` builds it
        DockerImageAsset image = DockerImageAsset.Builder.create(this, "Image")
                .directory(config.backendDir().toString())
                .platform(arm ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64)
                .build();
        for (Backend backend : List.of(Backend.SERVICE_1, Backend.SERVICE_2)) {
            service(backend, cluster, ContainerImage.fromDockerImageAsset(image), network, config, arm);
        }
    }

    private void service(Backend backend, Cluster cluster, ContainerImage image, Network network, DemoConfig config, boolean arm) {
        Construct scope = new Construct(this, backend.service());
        FargateTaskDefinition task = FargateTaskDefinition.Builder.create(scope, "Task")
                .cpu(256)
                .memoryLimitMiB(512)
                .runtimePlatform(RuntimePlatform.builder()
                        .cpuArchitecture(arm ? CpuArchitecture.ARM64 : CpuArchitecture.X86_64)
                        .operatingSystemFamily(OperatingSystemFamily.LINUX)
                        .build())
                .build();
        LogGroup logs = LogGroup.Builder.create(scope, "Logs")
                .retention(RetentionDays.ONE_WEEK)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        List<String> names = backend.parameterNames();
        Map<String, Secret> secrets = new TreeMap<>(); // sorted: the same template on every run
        for (int i = 0; i < names.size(); i++) {
            secrets.put(SECRET_VARIABLES.get(i), new ParameterSecret(ParameterAccess.parameterArn(this, names.get(i)), config.kmsKeyArn()));
        }
        task.addContainer(CONTAINER, ContainerDefinitionOptions.builder()
                .image(image)
                .essential(true)
                // the mTLS port first: it is the one the NLB's target group registers
                .portMappings(List.of(PortMapping.builder().containerPort(backend.port()).build(),
                        PortMapping.builder().containerPort(Network.HEALTH_PORT).build()))
                .environment(new TreeMap<>(Map.of(
                        "LISTEN_PORT", Integer.toString(backend.port()),
                        "HEALTH_PORT", Integer.toString(Network.HEALTH_PORT),
                        "SERVER_NAME", backend.hostName(),
                        "HELLO_JSON", backend.hello())))
                .secrets(secrets)
                .logging(LogDriver.awsLogs(AwsLogDriverProps.builder().logGroup(logs).streamPrefix(backend.service()).build()))
                .build());

        SecurityGroup securityGroup = network.securityGroup(scope, "SecurityGroup",
                "Backend " + backend.service() + ": TCP " + backend.port() + " and the health port from the VPC (the NLB)");
        securityGroup.addIngressRule(network.vpcCidr(), Port.tcp(backend.port()), "mTLS from the NLB inside the VPC");
        securityGroup.addIngressRule(network.vpcCidr(), Port.tcp(Network.HEALTH_PORT), "health checks of the NLB (plain HTTP GET /health)");
        // out: the image from ECR, the secrets from SSM, the logs to CloudWatch, all HTTPS through the NAT gateway
        securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(Network.HTTPS), "HTTPS to ECR, SSM and CloudWatch Logs");

        FargateService service = FargateService.Builder.create(scope, "Service")
                .cluster(cluster)
                .taskDefinition(task)
                .desiredCount(1)
                .minHealthyPercent(100)
                .maxHealthyPercent(200)
                .assignPublicIp(false)
                .vpcSubnets(network.privateSubnets())
                .securityGroups(List.of(securityGroup))
                .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
                .build();

        NetworkListener listener = network.loadBalancer().addListener(backend.service(), BaseNetworkListenerProps.builder()
                .port(backend.port())
                .protocol(Protocol.TCP) // TLS ends in nginx: the NLB never sees the client certificate
                .build());
        listener.addTargets(backend.service(), AddNetworkTargetsProps.builder()
                .port(backend.port())
                .protocol(Protocol.TCP)
                .targets(List.of(service))
                // nginx answers no TLS without a client certificate, so the check is the container's
                // plain-HTTP GET /health: up once nginx runs with the rendered configuration
                .healthCheck(HealthCheck.builder()
                        .protocol(Protocol.HTTP)
                        .port(Integer.toString(Network.HEALTH_PORT))
                        .path("/health")
                        .interval(Duration.seconds(10))
                        .healthyThresholdCount(2)
                        .unhealthyThresholdCount(2)
                        .build())
                .deregistrationDelay(Duration.seconds(10))
                .build());

        PrivateHostedZone zone = PrivateHostedZone.Builder.create(scope, "Zone")
                .zoneName(backend.hostName())
                .vpc(network.vpc())
                .comment("mtls-cli demo: " + backend.service() + " behind the internal NLB")
                .build();
        ARecord.Builder.create(scope, "Alias")
                .zone(zone)
                .target(RecordTarget.fromAlias(new LoadBalancerTarget(network.loadBalancer())))
                .build();
    }

    /**
     * An ECS secret from an SSM SecureString parameter whose read grant is exactly what the ECS
     * agent calls: ssm:GetParameters on this parameter (and kms:Decrypt on its customer key, if
     * any). The CDK's own Secret.fromSsmParameter grants four read actions.
     */
    static final class ParameterSecret extends Secret {
        private final String arn;
        private final String kmsKeyArn;

        ParameterSecret(String arn, String kmsKeyArn) {
            super();
            this.arn = arn;
            this.kmsKeyArn = kmsKeyArn;
        }

        @Override
        public String getArn() {
            return arn;
        }

        @Override
        public Boolean getHasField() {
            return false; // a parameter is read whole
        }

        @Override
        public Grant grantRead(IGrantable grantee) {
            Grant grant = Grant.addToPrincipal(GrantOnPrincipalOptions.builder()
                    .grantee(grantee)
                    .actions(List.of("ssm:GetParameters"))
                    .resourceArns(List.of(arn))
                    .build());
            if (kmsKeyArn != null) {
                grantee.getGrantPrincipal().addToPrincipalPolicy(ParameterAccess.decrypt(kmsKeyArn));
            }
            return grant;
        }
    }
}
