package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.KmsCalls;
import dev.mtlscli.json.Json;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.Tag;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The KMS key of each service's CA, made by `certs create --ca aws-kms`: an asymmetric
 * SIGN_VERIFY key tagged with its service, named by the alias alias/mtls/&lt;service&gt;-ca, with
 * the key policy asked for. A run cut off after making a key (or run again) finds it by its alias
 * and uses it instead of making another; an alias that names a key mtls-cli did not make for the
 * service is refused, never taken over.
 */
public final class KmsCaKeys {
    public static final String SERVICE_TAG = "mtls-cli:service";
    /** The one name a key policy has in KMS. */
    private static final String POLICY_NAME = "default";
    /** The longest pending window of ScheduleKeyDeletion. */
    public static final int DELETION_WINDOW_DAYS = 30;
    /** The key specs `certs create` makes; an adopted key may also be RSA_2048. */
    public static final List<String> KEY_SPECS = List.of("ECC_NIST_P256", "ECC_NIST_P384", "RSA_3072", "RSA_4096");

    private final KmsClient client;
    private final String region;

    public KmsCaKeys(KmsClient client, String region) {
        this.client = client;
        this.region = region;
    }

    public static String alias(String service) {
        return "alias/mtls/" + service + "-ca";
    }

    /** Checks a --kms-key-spec: one of {@link #KEY_SPECS}. */
    public static String keySpec(String spec) {
        if (!KEY_SPECS.contains(spec)) {
            throw new MtlsException("unknown --kms-key-spec '" + spec + "' (expected one of " + String.join(", ", KEY_SPECS) + ")");
        }
        return spec;
    }

    /**
     * The service's CA key, made if its alias names none yet; a key made earlier has its key
     * policy set to {@code policy} if it differs.
     */
    public KmsKey keyFor(String service, String keySpec, Map<String, Object> policy) {
        return keyFor(service, keySpec, policy, "root CA");
    }

    /**
     * The same, the key made described as the key of the service's {@code role} ("root CA", or
     * "intermediate CA"), as the KMS console shows it.
     */
    public KmsKey keyFor(String service, String keySpec, Map<String, Object> policy, String role) {
        String alias = alias(service);
        String policyJson = Json.write(policy);
        Optional<KeyMetadata> existing = describe(alias);
        if (existing.isPresent()) {
            String arn = existing.get().arn();
            requireOurs(service, alias, arn, keySpec, existing.get());
            KmsKey key = KmsKey.connect(client, arn, region);
            String current = KmsCalls.call("GetKeyPolicy", arn, region,
                    () -> client.getKeyPolicy(b -> b.keyId(arn).policyName(POLICY_NAME)).policy());
            if (!Json.parseObject(current.getBytes(StandardCharsets.UTF_8), "the key policy of " + arn).values()
                    .equals(Json.parseObject(policyJson.getBytes(StandardCharsets.UTF_8), "the key policy").values())) {
                KmsCalls.call("PutKeyPolicy", arn, region,
                        () -> client.putKeyPolicy(b -> b.keyId(arn).policyName(POLICY_NAME).policy(policyJson)));
            }
            return key;
        }
        String arn = KmsCalls.call("CreateKey", alias, region, () -> client.createKey(b -> b
                .keySpec(keySpec)
                .keyUsage(KeyUsageType.SIGN_VERIFY)
                .description("mtls-cli: the " + role + " key of service " + service)
                .policy(policyJson)
                .tags(Tag.builder().tagKey(SERVICE_TAG).tagValue(service).build()))).keyMetadata().arn();
        KmsCalls.call("CreateAlias", arn, region, () -> client.createAlias(b -> b.aliasName(alias).targetKeyId(arn)));
        return KmsKey.connect(client, arn, region);
    }

    /**
     * The key of a service's next CA during a rollover: a new key like the current one (its key
     * spec and its key policy, so the same principals may sign), tagged with the service. It gets
     * no alias of its own: alias/mtls/&lt;service&gt;-ca moves to it when the rollover completes
     * ({@link #moveAlias}).
     */
    public KmsKey nextKey(String service, String currentArn) {
        return nextKey(service, currentArn, "root CA");
    }

    /** The same, the new key described as the key of the service's {@code role}. */
    public KmsKey nextKey(String service, String currentArn, String role) {
        KeyMetadata current = KmsCalls.call("DescribeKey", currentArn, region,
                () -> client.describeKey(b -> b.keyId(currentArn)).keyMetadata());
        String policy = KmsCalls.call("GetKeyPolicy", currentArn, region,
                () -> client.getKeyPolicy(b -> b.keyId(currentArn).policyName(POLICY_NAME)).policy());
        String arn = KmsCalls.call("CreateKey", currentArn, region, () -> client.createKey(b -> b
                .keySpec(current.keySpecAsString())
                .keyUsage(KeyUsageType.SIGN_VERIFY)
                .description("mtls-cli: the " + role + " key of service " + service + ", rolled over from " + currentArn)
                .policy(policy)
                .tags(Tag.builder().tagKey(SERVICE_TAG).tagValue(service).build()))).keyMetadata().arn();
        return KmsKey.connect(client, arn, region);
    }

    /**
     * Points alias/mtls/&lt;service&gt;-ca at the service's current CA key when it still names the
     * replaced one, so that the alias never names a key pending deletion (a later
     * `certs create --ca aws-kms` of the service finds the live key by it). An alias moved by
     * someone else, or gone, is left alone.
     */
    public void moveAlias(String service, String replacedArn, String currentArn) {
        String alias = alias(service);
        Optional<KeyMetadata> named = describe(alias);
        if (named.isPresent() && named.get().arn().equals(replacedArn)) {
            KmsCalls.call("UpdateAlias", alias, region, () -> client.updateAlias(b -> b.aliasName(alias).targetKeyId(currentArn)));
        }
    }

    /**
     * Schedules the deletion of a replaced CA's key with the longest window KMS allows, so that a
     * mistake can still be undone for a month; a key already scheduled keeps its date.
     *
     * @return when KMS will delete the key
     */
    public Instant scheduleDeletion(String arn) {
        KeyMetadata metadata = KmsCalls.call("DescribeKey", arn, region, () -> client.describeKey(b -> b.keyId(arn)).keyMetadata());
        if (metadata.keyState() == KeyState.PENDING_DELETION) {
            return metadata.deletionDate();
        }
        return KmsCalls.call("ScheduleKeyDeletion", arn, region,
                () -> client.scheduleKeyDeletion(b -> b.keyId(arn).pendingWindowInDays(DELETION_WINDOW_DAYS))).deletionDate();
    }

    private Optional<KeyMetadata> describe(String alias) {
        try {
            return Optional.of(client.describeKey(b -> b.keyId(alias)).keyMetadata());
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw KmsCalls.failure("DescribeKey", alias, region, e);
        }
    }

    private void requireOurs(String service, String alias, String arn, String keySpec, KeyMetadata metadata) {
        boolean tagged = KmsCalls.call("ListResourceTags", arn, region, () -> client.listResourceTags(b -> b.keyId(arn))).tags()
                .stream().anyMatch(tag -> SERVICE_TAG.equals(tag.tagKey()) && service.equals(tag.tagValue()));
        if (!tagged) {
            throw new MtlsException(alias + " already names KMS key " + arn + ", which mtls-cli did not make for " + service
                    + " (it has no tag " + SERVICE_TAG + "=" + service + "); adopt it with --kms-key-id " + alias
                    + ", or remove the alias");
        }
        if (!keySpec.equals(metadata.keySpecAsString())) {
            throw new MtlsException(alias + " names the " + metadata.keySpecAsString() + " key " + arn + " that an earlier run made "
                    + "for " + service + ", not a " + keySpec + " key (--kms-key-spec); use it with --kms-key-spec "
                    + metadata.keySpecAsString() + ", or schedule its deletion and remove the alias first");
        }
    }
}
