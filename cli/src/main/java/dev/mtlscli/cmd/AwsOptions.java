package dev.mtlscli.cmd;

import dev.mtlscli.aws.AwsService;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.aws.EndpointSecurity;
import picocli.CommandLine.Option;

import java.net.URI;
import java.util.EnumMap;
import java.util.Map;

/** How a command reaches AWS; the names are the AWS CLI's. */
public final class AwsOptions {
    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region (default: AWS_REGION, or the profile's region).")
    String region;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "Named profile of ~/.aws/config and ~/.aws/credentials (default: the SDK's credential chain).")
    String profile;

    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "Send every AWS call to this URL instead of the service's own (e.g. a VPC endpoint or a test double).")
    String endpointUrl;

    @Option(names = "--ssm-endpoint-url", paramLabel = "URL", description = "Endpoint URL for SSM only.")
    String ssmEndpointUrl;

    @Option(names = "--lambda-endpoint-url", paramLabel = "URL", description = "Endpoint URL for Lambda only.")
    String lambdaEndpointUrl;

    @Option(names = "--acm-pca-endpoint-url", paramLabel = "URL", description = "Endpoint URL for ACM Private CA only.")
    String acmPcaEndpointUrl;

    @Option(names = "--kms-endpoint-url", paramLabel = "URL", description = "Endpoint URL for KMS only.")
    String kmsEndpointUrl;

    @Option(names = "--allow-insecure-endpoint",
            description = "Allow a plain http endpoint URL that is not loopback; passwords and signed requests then cross "
                    + "the network in clear text.")
    boolean allowInsecureEndpoint;

    public AwsSettings settings() {
        Map<AwsService, URI> endpoints = new EnumMap<>(AwsService.class);
        put(endpoints, AwsService.SSM, ssmEndpointUrl, "--ssm-endpoint-url");
        put(endpoints, AwsService.LAMBDA, lambdaEndpointUrl, "--lambda-endpoint-url");
        put(endpoints, AwsService.ACM_PCA, acmPcaEndpointUrl, "--acm-pca-endpoint-url");
        put(endpoints, AwsService.KMS, kmsEndpointUrl, "--kms-endpoint-url");
        return new AwsSettings(region, profile, endpointUrl == null ? null : uri(endpointUrl, "--endpoint-url"), endpoints,
                allowInsecureEndpoint);
    }

    private static void put(Map<AwsService, URI> endpoints, AwsService service, String url, String option) {
        if (url != null) {
            endpoints.put(service, uri(url, option));
        }
    }

    private static URI uri(String url, String option) {
        return EndpointSecurity.parse(url, option);
    }
}
