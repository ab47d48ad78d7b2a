package dev.mtlscli.infra;

import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * The IAM statements that read SecureString parameters (the functions' passwords, the backends'
 * certificates), and nothing wider (DESIGN.md, decision 4): ssm:GetParameters on the exact
 * parameters (an ARN names a parameter, not its version: the version pinned in a manifest is
 * chosen in the call), kms:Decrypt on the one customer key, and only when SSM asks for it.
 */
public final class ParameterAccess {
    private ParameterAccess() {
    }

    /** ssm:GetParameters on exactly these parameters (names, or NAME:VERSION selectors). */
    public static PolicyStatement getParameters(Construct scope, List<String> selectors) {
        return getParameters(scope, selectors, false);
    }

    /**
     * The same; with {@code viaExtension} also ssm:GetParameter on the same parameters, because
     * the Parameters and Secrets Lambda Extension asks SSM for one name at a time.
     */
    public static PolicyStatement getParameters(Construct scope, List<String> selectors, boolean viaExtension) {
        return PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(viaExtension ? List.of("ssm:GetParameter", "ssm:GetParameters") : List.of("ssm:GetParameters"))
                .resources(DemoConfig.parameterNames(selectors).stream().map(name -> parameterArn(scope, name)).toList())
                .build();
    }

    /** arn:PARTITION:ssm:REGION:ACCOUNT:parameter/NAME of a parameter of the stack's account and region (no version). */
    public static String parameterArn(Construct scope, String name) {
        return Stack.of(scope).formatArn(ArnComponents.builder()
                .service("ssm")
                .resource("parameter")
                .resourceName(name.startsWith("/") ? name.substring(1) : name)
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                .build());
    }

    /** kms:Decrypt on this key, when SSM decrypts a SecureString for the caller. */
    public static PolicyStatement decrypt(String kmsKeyArn) {
        return PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("kms:Decrypt"))
                .resources(List.of(kmsKeyArn))
                .conditions(Map.of("StringEquals", Map.of("kms:ViaService", "ssm." + Aws.REGION + ".amazonaws.com")))
                .build();
    }
}
