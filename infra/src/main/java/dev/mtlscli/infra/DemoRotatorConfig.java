package dev.mtlscli.infra;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The demo stack's scheduled rotator ({@link dev.mtlscli.infra.rotator.MtlsRotator}), off unless
 * the context key {@code rotatorCa} names the CA it issues through: a KMS key ARN (certs create
 * --ca aws-kms) or an ACM Private CA ARN. Off by default because the demo's workspace has a
 * local CA unless made otherwise, and a local CA key cannot be used by a scheduled rotation.
 *
 * @param jar     the rotator's jar (context key rotatorJar; default ../rotator/target/mtls-rotator.jar)
 * @param caArn   the CA's key or authority ARN
 * @param enabled false (context rotatorEnabled=false) deploys the schedule paused
 */
public record DemoRotatorConfig(Path jar, String caArn, boolean enabled) {
    private static final Pattern KMS_KEY_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+");
    private static final Pattern PRIVATE_CA_ARN = Pattern.compile(
            "arn:aws[a-zA-Z-]*:acm-pca:[a-z0-9-]+:[0-9]{12}:certificate-authority/[a-zA-Z0-9-]+");

    public DemoRotatorConfig {
        Objects.requireNonNull(jar, "jar");
        if (caArn == null || !isKmsKey(caArn) && !PRIVATE_CA_ARN.matcher(caArn).matches()) {
            throw new IllegalArgumentException("rotatorCa must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID) or an ACM Private CA ARN: "
                    + caArn);
        }
    }

    /** The rotator's settings from the CDK context, or null (no rotator) without rotatorCa. */
    public static DemoRotatorConfig fromContext(Function<String, Object> context, Path base) {
        Object ca = context.apply("rotatorCa");
        if (ca == null || ca.toString().isBlank()) {
            return null;
        }
        Object jar = context.apply("rotatorJar");
        Object enabled = context.apply("rotatorEnabled");
        return new DemoRotatorConfig(
                jar == null || jar.toString().isBlank() ? base.resolve("../rotator/target/mtls-rotator.jar").normalize()
                        : base.resolve(jar.toString().trim()).normalize(),
                ca.toString().trim(),
                enabled == null || !"false".equals(enabled.toString().trim()));
    }

    public boolean isKmsCa() {
        return isKmsKey(caArn);
    }

    private static boolean isKmsKey(String arn) {
        return KMS_KEY_ARN.matcher(arn).matches();
    }
}
