package dev.mtlscli.infra;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The demo stack of the AWS sample, with its mTLS material owned by mtls-cli: the network and
 * NLB ({@link Network}), the two nginx backends on Fargate with their private zones
 * ({@link Backends}), the five demo functions ({@link DemoFunctions}) and their REST API
 * ({@link DemoApi}). Environment-agnostic: ARNs use the deploying account and region.
 *
 * <p>Outputs (names are stable, for scripts): {@code ApiUrl} and {@code <Demo>FunctionName}
 * for NoMtls, LambdaOnly, LambdaLayer, ParameterStore and MultipleCertificates.
 */
public final class DemoStack extends Stack {
    public DemoStack(Construct scope, String id, StackProps props, DemoConfig config) {
        super(scope, id, props);
        Network network = new Network(this, "Network");
        new Backends(this, "Backends", network, config);
        DemoFunctions functions = new DemoFunctions(this, "Functions", network, config);
        DemoApi api = new DemoApi(this, "Api", functions);

        CfnOutput.Builder.create(this, "ApiUrl")
                .description("The demo API: curl ${ApiUrl}lambda-parameter-store")
                .value(api.url())
                .build();
        for (DemoFunctions.Demo demo : DemoFunctions.Demo.values()) {
            CfnOutput.Builder.create(this, demo.id() + "FunctionName")
                    .description("The function behind /" + demo.path())
                    .value(functions.function(demo).getFunctionName())
                    .build();
        }
    }
}
