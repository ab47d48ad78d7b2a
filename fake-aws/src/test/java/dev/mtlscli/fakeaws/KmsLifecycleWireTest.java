package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.Tag;

/**
 * Key states through the real KmsClient: DisableKey/EnableKey, ScheduleKeyDeletion (7 to 30 days,
 * 30 unless asked) and CancelKeyDeletion (back to Disabled), what each state refuses, and the key
 * gone once its deletion date passes.
 */
class KmsLifecycleWireTest {
    private final AcmPcaWireTest.SteppingClock clock =
            new AcmPcaWireTest.SteppingClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private FakeAws aws;
    private KmsClient kms;

    @BeforeEach
    void start() {
        aws = FakeAws.start(FakeAws.DEFAULT_REGION, clock);
        kms = KmsWire.client(aws);
    }

    @AfterEach
    void stop() {
        kms.close();
        aws.close();
    }

    private KeyMetadata signingKey() {
        return kms.createKey(b -> b.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY)).keyMetadata();
    }

    private void sign(String keyId) {
        kms.sign(b -> b.keyId(keyId).message(SdkBytes.fromUtf8String("tbs"))
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256));
    }

    @Test
    void aDisabledKeyIsDescribedButRefusesToSignUntilEnabled() {
        String arn = signingKey().arn();
        kms.disableKey(b -> b.keyId(arn));

        KeyMetadata disabled = kms.describeKey(b -> b.keyId(arn)).keyMetadata();
        assertEquals(KeyState.DISABLED, disabled.keyState());
        assertFalse(disabled.enabled());
        assertEquals("Disabled", aws.kms().key(arn).state());
        assertThrows(DisabledException.class, () -> sign(arn));
        kms.enableKey(b -> b.keyId(arn));
        sign(arn);
        assertEquals(1, aws.kms().signCount(arn));
    }

    @Test
    void scheduleKeyDeletionWaitsThirtyDaysUnlessAskedAndAnswersTheDate() {
        String thirty = signingKey().arn();
        String seven = signingKey().arn();

        ScheduleKeyDeletionResponse longest = kms.scheduleKeyDeletion(b -> b.keyId(thirty));
        ScheduleKeyDeletionResponse shortest = kms.scheduleKeyDeletion(b -> b.keyId(seven).pendingWindowInDays(7));

        assertEquals(thirty, longest.keyId());
        assertEquals(KeyState.PENDING_DELETION, longest.keyState());
        assertEquals(30, longest.pendingWindowInDays());
        assertEquals(clock.instant().plus(Duration.ofDays(30)), longest.deletionDate());
        assertEquals(clock.instant().plus(Duration.ofDays(7)), shortest.deletionDate());
        KeyMetadata pending = kms.describeKey(b -> b.keyId(thirty)).keyMetadata();
        assertEquals(KeyState.PENDING_DELETION, pending.keyState());
        assertEquals(longest.deletionDate(), pending.deletionDate());
        assertEquals(30, pending.pendingDeletionWindowInDays());
        assertEquals(longest.deletionDate(), aws.kms().key(thirty).deletionDate());
    }

    @Test
    void aWindowOutsideSevenToThirtyDaysIsAValidationError() {
        String arn = signingKey().arn();
        for (int days : new int[] {6, 31}) {
            KmsException e = assertThrows(KmsException.class,
                    () -> kms.scheduleKeyDeletion(b -> b.keyId(arn).pendingWindowInDays(days)));
            assertEquals("ValidationException", e.awsErrorDetails().errorCode());
            assertTrue(e.awsErrorDetails().errorMessage().contains("'pendingWindowInDays'"), e.getMessage());
        }
        assertEquals("Enabled", aws.kms().key(arn).state());
    }

    @Test
    void aKeyPendingDeletionRefusesChangesButIsDescribedAndCanBeCancelled() {
        String arn = signingKey().arn();
        kms.scheduleKeyDeletion(b -> b.keyId(arn));

        for (Runnable call : new Runnable[] {
                () -> sign(arn),
                () -> kms.enableKey(b -> b.keyId(arn)),
                () -> kms.disableKey(b -> b.keyId(arn)),
                () -> kms.scheduleKeyDeletion(b -> b.keyId(arn)),
                () -> kms.tagResource(b -> b.keyId(arn).tags(Tag.builder().tagKey("k").tagValue("v").build())),
                () -> kms.createAlias(b -> b.aliasName("alias/late").targetKeyId(arn))}) {
            KmsInvalidStateException e = assertThrows(KmsInvalidStateException.class, call::run);
            assertEquals(arn + " is pending deletion.", e.awsErrorDetails().errorMessage());
        }
        assertEquals(arn, kms.cancelKeyDeletion(b -> b.keyId(arn)).keyId());

        KeyMetadata cancelled = kms.describeKey(b -> b.keyId(arn)).keyMetadata();
        assertEquals(KeyState.DISABLED, cancelled.keyState(), "as KMS: a cancelled deletion leaves the key disabled");
        assertNull(cancelled.deletionDate());
        KmsInvalidStateException again = assertThrows(KmsInvalidStateException.class,
                () -> kms.cancelKeyDeletion(b -> b.keyId(arn)));
        assertEquals(arn + " is not pending deletion.", again.awsErrorDetails().errorMessage());
    }

    @Test
    void theKeyAndItsAliasesAreGoneOnceTheDeletionDatePasses() {
        KeyMetadata key = signingKey();
        kms.createAlias(b -> b.aliasName("alias/mtls/svc-ca").targetKeyId(key.keyId()));
        kms.scheduleKeyDeletion(b -> b.keyId(key.arn()).pendingWindowInDays(7));

        clock.advance(Duration.ofDays(7).minusSeconds(1));
        assertEquals(1, aws.kms().keys().size(), "not yet");
        clock.advance(Duration.ofSeconds(1));

        // the fake's clock is now a week ahead of the SDK's, which SigV4 would refuse: look from the test side
        assertTrue(aws.kms().keys().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> aws.kms().key("alias/mtls/svc-ca"));
    }
}
