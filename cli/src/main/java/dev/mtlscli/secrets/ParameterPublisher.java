package dev.mtlscli.secrets;

import dev.mtlscli.MtlsException;

import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.runtime.layer.ParameterRef;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParameterResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;
import software.amazon.awssdk.services.ssm.model.Tag;

import java.util.List;
import java.util.Map;

/**
 * Puts store passwords into Parameter Store as SecureString, one version per distinct value:
 * when the newest version already holds the password, its version is reused, so publishing the
 * same workspace twice makes the same manifest, the same zip, and no new layer version.
 */
public final class ParameterPublisher {
    private final SsmClient ssm;
    private final String kmsKeyId;
    private final List<Tag> tags;

    /**
     * @param kmsKeyId the KMS key of the SecureStrings, or null for the account's aws/ssm key
     * @param tags     set when a parameter is created (SSM refuses tags on an overwrite)
     */
    public ParameterPublisher(SsmClient ssm, String kmsKeyId, Map<String, String> tags) {
        this.ssm = ssm;
        this.kmsKeyId = kmsKeyId;
        this.tags = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    public PublishedParameter publish(String name, char[] password, String description) {
        String value = new String(password);
        Parameter current = current(name);
        if (current != null && current.type() == ParameterType.SECURE_STRING && value.equals(current.value())) {
            return new PublishedParameter(new ParameterRef(name, current.version()), false);
        }
        PutParameterRequest.Builder put = PutParameterRequest.builder()
                .name(name)
                .value(value)
                .type(ParameterType.SECURE_STRING)
                .description(description)
                .overwrite(current != null);
        if (kmsKeyId != null) {
            put.keyId(kmsKeyId);
        }
        if (current == null && !tags.isEmpty()) {
            put.tags(tags);
        }
        long version = AwsCalls.call(AwsService.SSM, "PutParameter " + name, () -> ssm.putParameter(put.build())).version();
        return new PublishedParameter(new ParameterRef(name, version), true);
    }

    /**
     * A plain String parameter (never a secret: it is stored unencrypted), written only when it
     * does not already hold {@code value}.
     *
     * @return whether it was written
     */
    public boolean publishString(String name, String value, String description) {
        return publishString(name, value, description, false, false);
    }

    /**
     * @param advanced in the advanced tier, which a parameter shared through AWS RAM must be
     * @param rewrite  written even when it holds {@code value}: to move a standard parameter to the advanced tier
     */
    public boolean publishString(String name, String value, String description, boolean advanced, boolean rewrite) {
        Parameter current = current(name);
        if (!rewrite && current != null && current.type() == ParameterType.STRING && value.equals(current.value())) {
            return false;
        }
        if (current != null && current.type() != ParameterType.STRING) {
            throw new MtlsException(name + " exists as a " + current.typeAsString() + ", not the String parameter mtls-cli writes there; "
                    + "it was left alone (delete it, or choose another --parameter-prefix)");
        }
        PutParameterRequest.Builder put = PutParameterRequest.builder()
                .name(name)
                .value(value)
                .type(ParameterType.STRING)
                .description(description)
                .overwrite(current != null);
        if (advanced) {
            put.tier(software.amazon.awssdk.services.ssm.model.ParameterTier.ADVANCED);
        }
        if (current == null && !tags.isEmpty()) {
            put.tags(tags);
        }
        AwsCalls.call(AwsService.SSM, "PutParameter " + name, () -> ssm.putParameter(put.build()));
        return true;
    }

    /** Whether the String parameter does not hold {@code value} yet. */
    public boolean needsString(String name, String value) {
        Parameter current = current(name);
        return current == null || current.type() != ParameterType.STRING || !value.equals(current.value());
    }

    private Parameter current(String name) {
        try {
            GetParameterResponse response = ssm.getParameter(b -> b.name(name).withDecryption(true));
            return response.parameter();
        } catch (ParameterNotFoundException e) {
            return null;
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw AwsCalls.failure(AwsService.SSM, "GetParameter " + name, e);
        }
    }
}
