package dev.mtlscli.infra;

import dev.mtlscli.infra.rotator.MtlsRotator;
import dev.mtlscli.infra.rotator.MtlsRotatorProps;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

import java.util.List;

/**
 * The demo stack of the AWS sample, with its mTLS material owned by mtls-cli: the network and
 * NLB ({@link Network}), the two nginx backends on Fargate with their private zones
 * ({@link Backends}), the five demo functions ({@link DemoFunctions}) and their REST API
 * ({@link DemoApi}). Environment-agnostic: ARNs use the deploying account and region.
 * With a {@link DemoRotatorConfig}, also the scheduled rotator ({@link MtlsRotator}) of the two
 * services, moving the two functions that read their passwords from SSM (the two with
 * passwords in their environment cannot follow a rotation on their own).
 *
 * <p>Outputs (names are stable, for scripts): {@code ApiUrl} and {@code <Demo>FunctionName}
 * for NoMtls, LambdaOnly, LambdaLayer, ParameterStore and MultipleCertificates.
 */
public final class DemoStack extends Stack {
    public DemoStack(Construct scope, String id, StackProps props, DemoConfig config) {
        this(scope, id, props, config, null);
    }

    /** The demo stack, with the scheduled rotator when {@code rotator} is not null. */
    public DemoStack(Construct scope, String id, StackProps props, DemoConfig config, DemoRotatorConfig rotator) {
        super(scope, id, props);
        Network network = new Network(this, "Network");
        new Backends(this, "Backends", network, config);
        DemoFunctions functions = new DemoFunctions(this, "Functions", network, config);
        DemoApi api = new DemoApi(this, "Api", functions);
        if (rotator != null) {
            MtlsRotator scheduled = new MtlsRotator(this, "Rotator", rotatorProps(config, rotator, functions));
            CfnOutput.Builder.create(this, "RotatorStateTable")
                    .description("The rotator's leases and progress: mtls-cli rotate --lease-table ${RotatorStateTable}")
                    .value(scheduled.table().getTableName())
                    .build();
            CfnOutput.Builder.create(this, "RotatorStateMachineArn")
                    .description("The rotation runs")
                    .value(scheduled.stateMachine().getStateMachineArn())
                    .build();
        }

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

    private static MtlsRotatorProps rotatorProps(DemoConfig config, DemoRotatorConfig rotator, DemoFunctions functions) {
        LambdaOnlyArtifact.requireFile(rotator.jar(), "the rotator's jar (context key rotatorJar; build it with mvn -pl rotator -am package)");
        MtlsRotatorProps.Builder props = MtlsRotatorProps.builder()
                .code(Code.fromAsset(rotator.jar().toString()))
                .services(List.of(Backends.Backend.SERVICE_1.service(), Backends.Backend.SERVICE_2.service()))
                .consumerFunctionNames(List.of(
                        functions.function(DemoFunctions.Demo.PARAMETER_STORE).getFunctionName(),
                        functions.function(DemoFunctions.Demo.MULTIPLE_CERTIFICATES).getFunctionName()))
                .parameterKmsKeyArn(config.kmsKeyArn())
                .enabled(rotator.enabled());
        if (rotator.isKmsCa()) {
            props.kmsCaKeyArns(List.of(rotator.caArn()));
        } else {
            props.privateCaArns(List.of(rotator.caArn()));
        }
        return props.build();
    }
}
