package dev.mtlscli.infra.rotator;

import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rotator function's rights, statement by statement, each on the named resources of the
 * props (DESIGN.md, decision 4: nothing wider than named). The only Resource "*" is
 * lambda:ListFunctions, which has no resource type; it reads configurations, and changes none. Everything is in the stack's account, in each of the props' regions (the stack's
 * region when none are named).
 */
final class RotatorPolicy {
    static final List<String> LAYER_ACTIONS = List.of("lambda:PublishLayerVersion", "lambda:GetLayerVersion",
            "lambda:ListLayerVersions", "lambda:AddLayerVersionPermission", "lambda:DeleteLayerVersion");
    static final List<String> PARAMETER_ACTIONS = List.of("ssm:PutParameter", "ssm:GetParameter", "ssm:GetParameters",
            "ssm:GetParameterHistory", "ssm:DeleteParameter", "ssm:AddTagsToResource");
    static final List<String> CONSUMER_ACTIONS = List.of("lambda:GetFunction", "lambda:GetFunctionConfiguration",
            "lambda:UpdateFunctionConfiguration", "lambda:InvokeFunction");
    static final List<String> KMS_CA_ACTIONS = List.of("kms:Sign", "kms:GetPublicKey", "kms:DescribeKey");
    static final List<String> PRIVATE_CA_ACTIONS = List.of("acm-pca:IssueCertificate", "acm-pca:GetCertificate",
            "acm-pca:GetCertificateAuthorityCertificate");
    static final List<String> TABLE_ACTIONS = List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
            "dynamodb:DeleteItem", "dynamodb:Query");
    static final List<String> PARAMETER_KEY_ACTIONS = List.of("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey");

    private RotatorPolicy() {
    }

    static List<PolicyStatement> statements(Construct scope, MtlsRotatorProps props, String tableArn) {
        Stack stack = Stack.of(scope);
        List<String> regions = props.regions().isEmpty() ? List.of(stack.getRegion()) : props.regions();
        List<PolicyStatement> statements = new ArrayList<>();

        List<String> layers = new ArrayList<>();
        for (String region : regions) {
            for (String layer : props.layerNames()) {
                String arn = arn(stack, region, "lambda", "layer", layer, ArnFormat.COLON_RESOURCE_NAME);
                layers.add(arn); // PublishLayerVersion, ListLayerVersions
                layers.add(arn + ":*"); // its versions: Get, AddLayerVersionPermission, Delete
            }
        }
        statements.add(allow("Layers", LAYER_ACTIONS, layers));

        List<String> parameters = new ArrayList<>();
        for (String region : regions) {
            parameters.add(arn(stack, region, "ssm", "parameter", props.parameterPrefix().substring(1) + "/*", ArnFormat.SLASH_RESOURCE_NAME));
        }
        statements.add(allow("Parameters", PARAMETER_ACTIONS, parameters));

        if (!props.consumerFunctionNames().isEmpty()) {
            List<String> functions = new ArrayList<>();
            for (String region : regions) {
                for (String name : props.consumerFunctionNames()) {
                    String arn = arn(stack, region, "lambda", "function", name, ArnFormat.COLON_RESOURCE_NAME);
                    functions.add(arn);
                    functions.add(arn + ":*"); // the verify-invoke of a published version or alias
                }
            }
            statements.add(allow("ConsumersByName", CONSUMER_ACTIONS, functions));
        }
        if (props.consumerTagKey() != null) {
            List<String> functions = new ArrayList<>();
            for (String region : regions) {
                functions.add(arn(stack, region, "lambda", "function", "*", ArnFormat.COLON_RESOURCE_NAME));
            }
            statements.add(PolicyStatement.Builder.create()
                    .sid("ConsumersByTag")
                    .effect(Effect.ALLOW)
                    .actions(CONSUMER_ACTIONS)
                    .resources(functions)
                    .conditions(Map.of("StringEquals", Map.of("aws:ResourceTag/" + props.consumerTagKey(), props.consumerTagValue())))
                    .build());
        }
        // the rotation core finds consumers by listing the functions that use the layer, then narrows them to
        // the named or tagged ones; lambda:ListFunctions has no resource type: "*" is the only resource IAM accepts
        statements.add(allow("FindConsumers", List.of("lambda:ListFunctions"), List.of("*")));

        if (!props.kmsCaKeyArns().isEmpty()) {
            statements.add(allow("KmsCa", KMS_CA_ACTIONS, props.kmsCaKeyArns()));
        }
        if (!props.privateCaArns().isEmpty()) {
            statements.add(allow("PrivateCa", PRIVATE_CA_ACTIONS, props.privateCaArns()));
        }

        statements.add(allow("StateTable", TABLE_ACTIONS, List.of(tableArn)));

        if (!props.memberRoleArns().isEmpty()) {
            statements.add(allow("MemberAccounts", List.of("sts:AssumeRole"), props.memberRoleArns()));
        }

        List<String> buses = new ArrayList<>();
        for (String region : regions) {
            buses.add(arn(stack, region, "events", "event-bus", props.eventBusName(), ArnFormat.SLASH_RESOURCE_NAME));
        }
        statements.add(allow("ReleaseEvents", List.of("events:PutEvents"), buses));

        if (props.parameterKmsKeyArn() != null) {
            List<String> viaSsm = regions.stream().map(region -> "ssm." + region + ".amazonaws.com").toList();
            statements.add(PolicyStatement.Builder.create()
                    .sid("ParameterKey")
                    .effect(Effect.ALLOW)
                    .actions(PARAMETER_KEY_ACTIONS)
                    .resources(List.of(props.parameterKmsKeyArn()))
                    // only when SSM uses the key for a SecureString on the rotator's behalf
                    .conditions(Map.of("StringEquals", Map.of("kms:ViaService", viaSsm.size() == 1 ? viaSsm.get(0) : viaSsm)))
                    .build());
        }
        return statements;
    }

    private static PolicyStatement allow(String sid, List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create().sid(sid).effect(Effect.ALLOW).actions(actions).resources(resources).build();
    }

    private static String arn(Stack stack, String region, String service, String resource, String name, ArnFormat format) {
        return stack.formatArn(ArnComponents.builder()
                .service(service)
                .region(region)
                .resource(resource)
                .resourceName(name)
                .arnFormat(format)
                .build());
    }
}
