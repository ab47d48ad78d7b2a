package dev.mtlscli.fakeaws;

import java.security.KeyPair;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One KMS key of the fake: its identity and spec, fixed at creation, and its state, policy and
 * tags, which change. Not thread-safe on its own: {@link FakeKms} guards every key it holds.
 */
final class KmsKey {
    static final String ENABLED = "Enabled";
    static final String DISABLED = "Disabled";
    static final String PENDING_DELETION = "PendingDeletion";

    final String keyId;
    final String arn;
    final String account;
    final KmsKeySpec spec;
    final String usage;
    final KeyPair keyPair;
    final Instant creationDate;
    final String description;
    final Map<String, String> tags = new LinkedHashMap<>();
    String state = ENABLED;
    KmsKeyPolicy policy;
    Instant deletionDate;
    int pendingWindowInDays;
    int signCount;

    KmsKey(String keyId, String arn, String account, KmsKeySpec spec, String usage, KeyPair keyPair,
           Instant creationDate, String description, KmsKeyPolicy policy) {
        this.keyId = keyId;
        this.arn = arn;
        this.account = account;
        this.spec = spec;
        this.usage = usage;
        this.keyPair = keyPair;
        this.creationDate = creationDate;
        this.description = description;
        this.policy = policy;
    }

    /** Cryptographic operations need an Enabled key: KMS names the key and its state otherwise. */
    void requireEnabled() throws AwsError {
        if (state.equals(DISABLED)) {
            throw KmsErrors.disabled(arn);
        }
        requireNotPendingDeletion();
    }

    void requireNotPendingDeletion() throws AwsError {
        if (state.equals(PENDING_DELETION)) {
            throw KmsErrors.invalidState(arn + " is pending deletion.");
        }
    }
}
