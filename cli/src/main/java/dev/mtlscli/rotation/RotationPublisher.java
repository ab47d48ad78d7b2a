package dev.mtlscli.rotation;

import dev.mtlscli.layer.LayerMaterial;
import dev.mtlscli.layer.LayerPublisher;
import dev.mtlscli.layer.PublishOptions;
import dev.mtlscli.layer.ReleaseEvents;
import dev.mtlscli.secrets.ParameterPublisher;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Publishes the rotated material (of the workspace, or of another {@link MaterialSource}) the
 * way `layer publish` does, with the current version's parameter prefix, grants and runtimes, so
 * the new version replaces the old one for exactly the same consumers.
 */
public final class RotationPublisher implements RotationRunner.Publisher {
    /** The material of a plan's service, valid at the instant given. */
    private final BiFunction<RotationPlan, Instant, LayerMaterial> material;
    private final LambdaClient lambda;
    private final SsmClient ssm;
    private final String kmsKeyId;
    private final Clock clock;
    private final Consumer<String> progress;
    private final ReleaseEvents events;

    /** Publishes the material of the plan's service in this workspace. */
    public RotationPublisher(Path workspace, LambdaClient lambda, SsmClient ssm, String kmsKeyId, Clock clock, Consumer<String> progress) {
        this((plan, now) -> WorkspaceMaterialSteps.publishable(workspace, plan.service(), now), lambda, ssm, kmsKeyId, clock, progress);
    }

    /** Publishes the material {@code source} holds after its step. */
    public RotationPublisher(MaterialSource source, LambdaClient lambda, SsmClient ssm, String kmsKeyId, Clock clock, Consumer<String> progress) {
        this(source, lambda, ssm, kmsKeyId, null, clock, progress);
    }

    /** The same, each release also announced on {@code events} (null: the release parameter alone). */
    public RotationPublisher(MaterialSource source, LambdaClient lambda, SsmClient ssm, String kmsKeyId, ReleaseEvents events, Clock clock,
                             Consumer<String> progress) {
        this(source::publishable, lambda, ssm, kmsKeyId, events, clock, progress);
    }

    private RotationPublisher(BiFunction<RotationPlan, Instant, LayerMaterial> material, LambdaClient lambda,
                              SsmClient ssm, String kmsKeyId, Clock clock, Consumer<String> progress) {
        this(material, lambda, ssm, kmsKeyId, null, clock, progress);
    }

    private RotationPublisher(BiFunction<RotationPlan, Instant, LayerMaterial> material, LambdaClient lambda,
                              SsmClient ssm, String kmsKeyId, ReleaseEvents events, Clock clock, Consumer<String> progress) {
        this.material = material;
        this.lambda = lambda;
        this.ssm = ssm;
        this.kmsKeyId = kmsKeyId;
        this.events = events;
        this.clock = clock;
        this.progress = progress;
    }

    @Override
    public String publish(RotationPlan plan) {
        // read again: the material step has just rewritten the stores and passwords
        LayerMaterial material = this.material.apply(plan, clock.instant());
        PublishOptions options = new PublishOptions(plan.layerName(), plan.parameterPrefix(), kmsKeyId,
                Map.of("managed-by", "mtls-cli"),
                plan.compatibleRuntimes().isEmpty() ? PublishOptions.DEFAULT_RUNTIMES : plan.compatibleRuntimes(),
                PublishOptions.DEFAULT_ARCHITECTURES, plan.grants());
        LayerPublisher publisher = new LayerPublisher(lambda, new ParameterPublisher(ssm, kmsKeyId, options.tags()), events, progress);
        return publisher.publish(material, plan.parameterPrefix(), options).layerVersionArn();
    }
}
