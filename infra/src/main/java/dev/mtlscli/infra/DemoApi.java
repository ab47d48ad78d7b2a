package dev.mtlscli.infra;

import software.amazon.awscdk.services.apigateway.EndpointConfiguration;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.constructs.Construct;

import java.util.List;

/**
 * The REST API of the demo: one GET resource per demo function (/lambda-no-mtls, /lambda-only,
 * /lambda-layer, /lambda-parameter-store, /lambda-multiple-certificates), Lambda proxy
 * integrations, a throttled `prod` stage. It sets no account-wide API Gateway CloudWatch role.
 */
public final class DemoApi extends Construct {
    public static final String STAGE = "prod";

    private final RestApi api;

    public DemoApi(Construct scope, String id, DemoFunctions functions) {
        super(scope, id);
        this.api = RestApi.Builder.create(this, "Api")
                .restApiName("mtls-demo")
                .description("mtls-cli demo: the five Lambda approaches to mutual TLS")
                .endpointConfiguration(EndpointConfiguration.builder().types(List.of(EndpointType.REGIONAL)).build())
                .cloudWatchRole(false)
                .deployOptions(StageOptions.builder()
                        .stageName(STAGE)
                        // a public demo endpoint: bounded, so that nobody runs up the bill
                        .throttlingRateLimit(10)
                        .throttlingBurstLimit(20)
                        .build())
                .build();
        // the RestApi's own output has a hashed name; the stack's ApiUrl output replaces it
        api.getNode().tryRemoveChild("Endpoint");
        for (DemoFunctions.Demo demo : DemoFunctions.Demo.values()) {
            api.getRoot().addResource(demo.path()).addMethod("GET", new LambdaIntegration(functions.function(demo)));
        }
    }

    /** https://ID.execute-api.REGION.amazonaws.com/prod/ */
    public String url() {
        return api.getUrl();
    }
}
