package dev.mtlscli.fakeaws;

import java.util.Map;

/**
 * The KMS operations that change a key's state: DisableKey, EnableKey, ScheduleKeyDeletion and
 * CancelKeyDeletion. Deletion is never immediate: a window of 7 to 30 days (30 unless asked), and a
 * cancelled deletion leaves the key Disabled, as in KMS.
 */
final class KmsLifecycleOperations {
    static final int MIN_PENDING_WINDOW_DAYS = 7;
    static final int MAX_PENDING_WINDOW_DAYS = 30;

    private final KmsKeyAccess access;

    KmsLifecycleOperations(KmsKeyAccess access) {
        this.access = access;
    }

    Map<String, Object> disableKey(Map<String, Object> input) throws AwsError {
        return access.onKey(input, "kms:DisableKey", (holder, key) -> {
            key.requireNotPendingDeletion();
            key.state = KmsKey.DISABLED;
            return JsonOutput.ordered();
        });
    }

    Map<String, Object> enableKey(Map<String, Object> input) throws AwsError {
        return access.onKey(input, "kms:EnableKey", (holder, key) -> {
            key.requireNotPendingDeletion();
            key.state = KmsKey.ENABLED;
            return JsonOutput.ordered();
        });
    }

    Map<String, Object> scheduleKeyDeletion(Map<String, Object> input) throws AwsError {
        int days = KmsArgs.bounded(input, "PendingWindowInDays", MIN_PENDING_WINDOW_DAYS, MAX_PENDING_WINDOW_DAYS,
                MAX_PENDING_WINDOW_DAYS);
        return access.onKey(input, "kms:ScheduleKeyDeletion", (holder, key) -> {
            key.requireNotPendingDeletion();
            holder.scheduleDeletion(key, days);
            return JsonOutput.ordered("KeyId", key.arn,
                    "DeletionDate", JsonOutput.epochSeconds(key.deletionDate),
                    "KeyState", key.state,
                    "PendingWindowInDays", (long) days);
        });
    }

    Map<String, Object> cancelKeyDeletion(Map<String, Object> input) throws AwsError {
        return access.onKey(input, "kms:CancelKeyDeletion", (holder, key) -> {
            if (!key.state.equals(KmsKey.PENDING_DELETION)) {
                throw KmsErrors.invalidState(key.arn + " is not pending deletion.");
            }
            key.state = KmsKey.DISABLED;
            key.deletionDate = null;
            key.pendingWindowInDays = 0;
            return JsonOutput.ordered("KeyId", key.arn);
        });
    }
}
