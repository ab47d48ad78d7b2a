package dev.mtlscli.infra;

import software.amazon.awscdk.services.ec2.IPeer;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.elasticloadbalancingv2.NetworkLoadBalancer;
import software.constructs.Construct;

import java.util.List;

/**
 * The network: a VPC over two AZs (public subnets for the one NAT gateway, private subnets for
 * everything else), the interface endpoint through which the functions reach SSM, and the
 * internal Network Load Balancer in front of the backends. Every security group here admits
 * only the VPC's own CIDR, on the ports that are used.
 */
public final class Network extends Construct {
    /** The backends' TLS ports: service 1 listens on 443, service 2 on 444, behind one NLB. */
    public static final int SERVICE_1_PORT = 443;
    public static final int SERVICE_2_PORT = 444;
    /** The backend containers' plain-HTTP GET /health (HEALTH_PORT of infra/backend/), for the NLB's health checks only. */
    public static final int HEALTH_PORT = 8080;
    static final int HTTPS = 443;

    private final Vpc vpc;
    private final NetworkLoadBalancer loadBalancer;
    private final SecurityGroup loadBalancerSecurityGroup;

    public Network(Construct scope, String id) {
        super(scope, id);
        this.vpc = Vpc.Builder.create(this, "Vpc")
                .ipAddresses(IpAddresses.cidr("10.20.0.0/16"))
                .maxAzs(2)
                // one NAT gateway: the Fargate tasks pull their image and write their logs through
                // it; the functions need no internet (SSM has its endpoint, the backends are inside)
                .natGateways(1)
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build(),
                        SubnetConfiguration.builder().name("private").subnetType(SubnetType.PRIVATE_WITH_EGRESS).cidrMask(22).build()))
                // kept as it is: restricting it takes a custom-resource Lambda; nothing here uses the default group
                .restrictDefaultSecurityGroup(false)
                .build();

        SecurityGroup endpointSecurityGroup = securityGroup(this, "SsmEndpointSecurityGroup", "SSM interface endpoint: HTTPS from the VPC");
        endpointSecurityGroup.addIngressRule(vpcCidr(), Port.tcp(HTTPS), "HTTPS to SSM from inside the VPC");
        InterfaceVpcEndpoint.Builder.create(this, "SsmEndpoint")
                .vpc(vpc)
                .service(InterfaceVpcEndpointAwsService.SSM)
                .privateDnsEnabled(true) // ssm.REGION.amazonaws.com resolves to the endpoint: the SDK needs no override
                .subnets(privateSubnets())
                .securityGroups(List.of(endpointSecurityGroup))
                .open(false) // the group above holds the one rule; open=true would add another
                .build();

        this.loadBalancerSecurityGroup = securityGroup(this, "LoadBalancerSecurityGroup", "Backend NLB: TCP 443 and 444 from the VPC");
        for (int port : List.of(SERVICE_1_PORT, SERVICE_2_PORT)) {
            loadBalancerSecurityGroup.addIngressRule(vpcCidr(), Port.tcp(port), "mTLS to backend port " + port + " from inside the VPC");
            loadBalancerSecurityGroup.addEgressRule(vpcCidr(), Port.tcp(port), "to the backend tasks on port " + port);
        }
        loadBalancerSecurityGroup.addEgressRule(vpcCidr(), Port.tcp(HEALTH_PORT), "health checks of the backend tasks");
        this.loadBalancer = NetworkLoadBalancer.Builder.create(this, "LoadBalancer")
                .vpc(vpc)
                .internetFacing(false)
                .vpcSubnets(privateSubnets())
                .securityGroups(List.of(loadBalancerSecurityGroup))
                // one task per service: every NLB node must reach it, whatever its AZ
                .crossZoneEnabled(true)
                .build();
    }

    /** A security group of this VPC, in {@code scope}, that sends nothing unless a rule says so. */
    public SecurityGroup securityGroup(Construct scope, String id, String description) {
        return SecurityGroup.Builder.create(scope, id).vpc(vpc).description(description).allowAllOutbound(false).build();
    }

    public IPeer vpcCidr() {
        return Peer.ipv4(vpc.getVpcCidrBlock());
    }

    public SubnetSelection privateSubnets() {
        return SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build();
    }

    public Vpc vpc() {
        return vpc;
    }

    public NetworkLoadBalancer loadBalancer() {
        return loadBalancer;
    }
}
