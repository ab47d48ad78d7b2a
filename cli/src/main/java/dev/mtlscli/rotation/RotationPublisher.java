package dev.mtlscli.rotation;

import dev.mtlscli.layer.LayerMaterial;
import dev.mtlscli.layer.LayerPublisher;
import dev.mtlscli.layer.MaterialCheck;
import dev.mtlscli.layer.PublishOptions;
import dev.mtlscli.secrets.ParameterPublisher;
import dev.mtlscli.workspace.ExistingWorkspace;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Publishes the rotated material of the workspace the way `layer publish` does, with the
 * current version's parameter prefix, grants and runtimes, so the new version replaces the old
 * one for exactly the same consumers.
 */
public final class RotationPublisher implements RotationRunner.Publisher {
    private final Path workspace;
    private final LambdaClient lambda;
    private final SsmClient ssm;
    private final String kmsKeyId;
    private final Clock clock;
    private final Consumer<String> progress;

    public RotationPublisher(Path workspace, LambdaClient lambda, SsmClient ssm, String kmsKeyId, Clock clock, Consumer<String> progress) {
        this.workspace = workspace;
        this.lambda = lambda;
        this.ssm = ssm;
        this.kmsKeyId = kmsKeyId;
        this.clock = clock;
        this.progress = progress;
    }

    @Override
    public String publish(RotationPlan plan) {
        // opened again: the material step has just rewritten the keystore and passwords.json
        ExistingWorkspace ws = ExistingWorkspace.open(workspace);
        LayerMaterial material = new MaterialCheck(clock.instant(), Duration.ZERO, false).check(ws, plan.service());
        PublishOptions options = new PublishOptions(plan.layerName(), plan.parameterPrefix(), kmsKeyId,
                Map.of("managed-by", "mtls-cli"),
                plan.compatibleRuntimes().isEmpty() ? PublishOptions.DEFAULT_RUNTIMES : plan.compatibleRuntimes(),
                PublishOptions.DEFAULT_ARCHITECTURES, plan.grants());
        LayerPublisher publisher = new LayerPublisher(lambda, new ParameterPublisher(ssm, kmsKeyId, options.tags()), progress);
        return publisher.publish(material, plan.parameterPrefix(), options).layerVersionArn();
    }
}
