package dev.mtlscli.fakeaws;

import java.util.Map;

/**
 * How every KMS operation on one key starts: read its KeyId, find the key (in the caller's
 * account or, for an ARN of another account, in that one), and check the key policy for the
 * operation's action before anything else, as KMS does; the operation then runs under the lock
 * of the KMS that holds the key.
 */
final class KmsKeyAccess {
    /** An operation on a found and authorized key, run under its holder's lock. */
    interface KeyOperation {
        Map<String, Object> apply(FakeKms holder, KmsKey key) throws AwsError;
    }

    private final FakeKms state;

    KmsKeyAccess(FakeKms state) {
        this.state = state;
    }

    FakeKms state() {
        return state;
    }

    /** The caller of the request being answered. */
    static KmsCaller caller() {
        return KmsCaller.of(JsonProtocolHandler.CALLER.get());
    }

    KmsKeyRef ref(Map<String, Object> input, String field) throws AwsError {
        return KmsKeyRef.parse(JsonArgs.requiredString(input, field), state.accountId(), state.region());
    }

    /** Runs {@code operation} on the key of the input's KeyId when its policy allows {@code action} to the caller. */
    Map<String, Object> onKey(Map<String, Object> input, String action, KeyOperation operation) throws AwsError {
        KmsKeyRef ref = ref(input, "KeyId");
        FakeKms holder = state.owner(ref);
        synchronized (holder) {
            KmsKey key = holder.find(ref);
            holder.authorize(key, action, caller());
            return operation.apply(holder, key);
        }
    }
}
