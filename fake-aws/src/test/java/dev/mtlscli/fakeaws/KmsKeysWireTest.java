package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.InvalidArnException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.Tag;

/**
 * Creating and describing keys through the real KmsClient: specs and usages, every form of
 * KeyId, aliases, tags and key policies, with the errors KMS gives for what does not exist or
 * does not fit.
 */
class KmsKeysWireTest {
    private FakeAws aws;
    private KmsClient kms;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        kms = KmsWire.client(aws);
    }

    @AfterEach
    void stop() {
        kms.close();
        aws.close();
    }

    private KeyMetadata signingKey() {
        return kms.createKey(b -> b.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY)
                .description("mtls-cli CA of svc")
                .tags(Tag.builder().tagKey("mtls-cli:service").tagValue("svc").build())).keyMetadata();
    }

    @Test
    void createKeyAnswersTheMetadataOfAnEnabledCustomerKey() {
        KeyMetadata key = signingKey();

        assertEquals(FakeAws.ACCOUNT_ID, key.awsAccountId());
        assertEquals("arn:aws:kms:us-east-1:" + FakeAws.ACCOUNT_ID + ":key/" + key.keyId(), key.arn());
        assertTrue(key.keyId().matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), key.keyId());
        assertTrue(key.enabled());
        assertEquals(KeyState.ENABLED, key.keyState());
        assertEquals(KeySpec.ECC_NIST_P256, key.keySpec());
        assertEquals(KeyUsageType.SIGN_VERIFY, key.keyUsage());
        assertEquals(List.of("ECDSA_SHA_256"), key.signingAlgorithmsAsStrings());
        assertEquals("mtls-cli CA of svc", key.description());
        assertEquals("AWS_KMS", key.originAsString());
        assertEquals("CUSTOMER", key.keyManagerAsString());
        assertNotNull(key.creationDate());

        FakeKms.Key seen = aws.kms().key(key.keyId());
        assertEquals(Map.of("mtls-cli:service", "svc"), seen.tags());
        assertEquals("ECC_NIST_P256", seen.keySpec());
        assertNotNull(seen.publicKey());
        assertEquals(FakeKms.defaultKeyPolicy(FakeAws.ACCOUNT_ID), seen.policy());
    }

    @Test
    void eachKeySpecGetsItsUsagesAndAlgorithms() {
        KeyMetadata rsa = kms.createKey(b -> b.keySpec(KeySpec.RSA_3072).keyUsage(KeyUsageType.SIGN_VERIFY)).keyMetadata();
        KeyMetadata symmetric = kms.createKey(b -> { }).keyMetadata();
        KeyMetadata hmac = kms.createKey(b -> b.keySpec(KeySpec.HMAC_256).keyUsage(KeyUsageType.GENERATE_VERIFY_MAC))
                .keyMetadata();

        assertEquals(List.of("RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
                "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"), rsa.signingAlgorithmsAsStrings());
        assertEquals(KeySpec.SYMMETRIC_DEFAULT, symmetric.keySpec());
        assertEquals(KeyUsageType.ENCRYPT_DECRYPT, symmetric.keyUsage());
        assertEquals(List.of("SYMMETRIC_DEFAULT"), symmetric.encryptionAlgorithmsAsStrings());
        assertEquals(List.of("HMAC_SHA_256"), hmac.macAlgorithmsAsStrings());
        assertEquals(3, aws.kms().keys().size());
    }

    @Test
    void aUsageTheSpecDoesNotAllowIsAValidationError() {
        KmsException eccEncrypt = assertThrows(KmsException.class,
                () -> kms.createKey(b -> b.keySpec(KeySpec.ECC_NIST_P256)));
        assertEquals("ValidationException", eccEncrypt.awsErrorDetails().errorCode());
        assertEquals("KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec ECC_NIST_P256",
                eccEncrypt.awsErrorDetails().errorMessage());
        KmsException symmetricSign = assertThrows(KmsException.class,
                () -> kms.createKey(b -> b.keySpec(KeySpec.SYMMETRIC_DEFAULT).keyUsage(KeyUsageType.SIGN_VERIFY)));
        assertEquals("ValidationException", symmetricSign.awsErrorDetails().errorCode());
        KmsException unknown = assertThrows(KmsException.class,
                () -> kms.createKey(b -> b.keySpec("ECC_NIST_P999").keyUsage(KeyUsageType.SIGN_VERIFY)));
        assertEquals("ValidationException", unknown.awsErrorDetails().errorCode());
        assertTrue(unknown.awsErrorDetails().errorMessage().contains("'keySpec'"), unknown.getMessage());
        assertTrue(aws.kms().keys().isEmpty());
    }

    @Test
    void describeKeyTakesTheKeyIdTheKeyArnTheAliasAndTheAliasArn() {
        KeyMetadata key = signingKey();
        kms.createAlias(b -> b.aliasName("alias/mtls/svc-ca").targetKeyId(key.arn()));

        for (String form : List.of(key.keyId(), key.arn(), "alias/mtls/svc-ca",
                "arn:aws:kms:us-east-1:" + FakeAws.ACCOUNT_ID + ":alias/mtls/svc-ca")) {
            assertEquals(key.arn(), kms.describeKey(b -> b.keyId(form)).keyMetadata().arn(), form);
        }
        assertEquals(List.of("alias/mtls/svc-ca"), aws.kms().key(key.keyId()).aliases());
    }

    @Test
    void whatDoesNotExistIsNotFoundAndAMalformedArnIsAnInvalidArn() {
        String missing = "arn:aws:kms:us-east-1:" + FakeAws.ACCOUNT_ID + ":key/11111111-2222-3333-4444-555555555555";
        NotFoundException key = assertThrows(NotFoundException.class, () -> kms.describeKey(b -> b.keyId(missing)));
        assertEquals("Key '" + missing + "' does not exist", key.awsErrorDetails().errorMessage());
        NotFoundException alias = assertThrows(NotFoundException.class,
                () -> kms.describeKey(b -> b.keyId("alias/nothing")));
        assertEquals("Alias arn:aws:kms:us-east-1:" + FakeAws.ACCOUNT_ID + ":alias/nothing is not found.",
                alias.awsErrorDetails().errorMessage());
        NotFoundException notAnId = assertThrows(NotFoundException.class, () -> kms.describeKey(b -> b.keyId("my-key")));
        assertEquals("Invalid keyId 'my-key'", notAnId.awsErrorDetails().errorMessage());
        InvalidArnException arn = assertThrows(InvalidArnException.class,
                () -> kms.describeKey(b -> b.keyId("arn:aws:kms:us-east-1:" + FakeAws.ACCOUNT_ID + ":thing/x")));
        assertEquals("InvalidArnException", arn.awsErrorDetails().errorCode());
        assertThrows(InvalidArnException.class, () -> kms.describeKey(b -> b.keyId("arn:aws:s3:::bucket")));
    }

    @Test
    void anAliasNameIsTakenOnce() {
        KeyMetadata first = signingKey();
        KeyMetadata second = signingKey();
        kms.createAlias(b -> b.aliasName("alias/mtls/svc-ca").targetKeyId(first.keyId()));

        AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
                () -> kms.createAlias(b -> b.aliasName("alias/mtls/svc-ca").targetKeyId(second.keyId())));
        assertEquals("An alias with the name arn:aws:kms:us-east-1:" + FakeAws.ACCOUNT_ID
                + ":alias/mtls/svc-ca already exists", e.awsErrorDetails().errorMessage());
        KmsException badName = assertThrows(KmsException.class,
                () -> kms.createAlias(b -> b.aliasName("mtls/svc-ca").targetKeyId(second.keyId())));
        assertEquals("ValidationException", badName.awsErrorDetails().errorCode());
        assertThrows(NotFoundException.class, () -> kms.createAlias(b -> b.aliasName("alias/x")
                .targetKeyId("11111111-2222-3333-4444-555555555555")));
    }

    @Test
    void listAliasesListsAllOrThoseOfOneKeyOverPages() {
        KeyMetadata first = signingKey();
        KeyMetadata second = signingKey();
        kms.createAlias(b -> b.aliasName("alias/a").targetKeyId(first.keyId()));
        kms.createAlias(b -> b.aliasName("alias/b").targetKeyId(second.keyId()));
        kms.createAlias(b -> b.aliasName("alias/c").targetKeyId(first.keyId()));

        List<String> all = kms.listAliasesPaginator(b -> b.limit(2)).aliases().stream()
                .map(AliasListEntry::aliasName).toList();
        List<AliasListEntry> ofFirst = kms.listAliases(b -> b.keyId(first.arn())).aliases();

        assertEquals(List.of("alias/a", "alias/b", "alias/c"), all);
        assertEquals(List.of("alias/a", "alias/c"), ofFirst.stream().map(AliasListEntry::aliasName).toList());
        assertEquals(first.keyId(), ofFirst.get(0).targetKeyId());
        assertEquals("arn:aws:kms:us-east-1:" + FakeAws.ACCOUNT_ID + ":alias/a", ofFirst.get(0).aliasArn());
        assertFalse(kms.listAliases(b -> b.keyId(first.keyId())).truncated());
    }

    @Test
    void anAliasMovesToAKeyOfTheSameKindAndIsDeleted() {
        KeyMetadata old = signingKey();
        KeyMetadata next = signingKey();
        KeyMetadata symmetric = kms.createKey(b -> { }).keyMetadata();
        kms.createAlias(b -> b.aliasName("alias/mtls/svc-ca").targetKeyId(old.keyId()));

        kms.updateAlias(b -> b.aliasName("alias/mtls/svc-ca").targetKeyId(next.arn()));
        assertEquals(next.arn(), kms.describeKey(b -> b.keyId("alias/mtls/svc-ca")).keyMetadata().arn());
        KmsException otherKind = assertThrows(KmsException.class,
                () -> kms.updateAlias(b -> b.aliasName("alias/mtls/svc-ca").targetKeyId(symmetric.keyId())));
        assertEquals("ValidationException", otherKind.awsErrorDetails().errorCode());
        assertThrows(NotFoundException.class,
                () -> kms.updateAlias(b -> b.aliasName("alias/none").targetKeyId(next.keyId())));

        kms.deleteAlias(b -> b.aliasName("alias/mtls/svc-ca"));
        assertThrows(NotFoundException.class, () -> kms.describeKey(b -> b.keyId("alias/mtls/svc-ca")));
        assertThrows(NotFoundException.class, () -> kms.deleteAlias(b -> b.aliasName("alias/mtls/svc-ca")));
        assertEquals(List.of(), aws.kms().key(next.keyId()).aliases());
    }

    @Test
    void listKeysListsTheAccountsKeysOverPages() {
        List<String> made = List.of(signingKey().arn(), signingKey().arn(), signingKey().arn());

        List<String> listed = kms.listKeysPaginator(b -> b.limit(2)).keys().stream()
                .map(software.amazon.awssdk.services.kms.model.KeyListEntry::keyArn).toList();

        assertEquals(made, listed);
        assertTrue(kms.listKeys(b -> b.limit(2)).truncated());
    }

    @Test
    void tagsAreAddedReplacedListedAndRemoved() {
        KeyMetadata key = signingKey();
        kms.tagResource(b -> b.keyId(key.keyId()).tags(
                Tag.builder().tagKey("mtls-cli:service").tagValue("svc2").build(),
                Tag.builder().tagKey("team").tagValue("payments").build()));

        Map<String, String> listed = kms.listResourceTags(b -> b.keyId(key.arn())).tags().stream()
                .collect(Collectors.toMap(Tag::tagKey, Tag::tagValue));
        assertEquals(Map.of("mtls-cli:service", "svc2", "team", "payments"), listed);
        kms.untagResource(b -> b.keyId(key.keyId()).tagKeys("team"));
        assertEquals(Map.of("mtls-cli:service", "svc2"), aws.kms().key(key.arn()).tags());
    }

    @Test
    void theKeyPolicyIsSetAndReadBackUnderItsOneName() {
        KeyMetadata key = signingKey();
        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                + "\"arn:aws:iam::" + FakeAws.ACCOUNT_ID + ":root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},"
                + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::" + FakeAws.ACCOUNT_ID
                + ":role/signer\"]},\"Action\":[\"kms:Sign\",\"kms:GetPublicKey\"],\"Resource\":\"*\"}]}";

        assertEquals(FakeKms.defaultKeyPolicy(FakeAws.ACCOUNT_ID), kms.getKeyPolicy(b -> b.keyId(key.keyId())).policy());
        kms.putKeyPolicy(b -> b.keyId(key.keyId()).policyName("default").policy(policy));

        assertEquals(policy, kms.getKeyPolicy(b -> b.keyId(key.arn()).policyName("default")).policy());
        assertEquals("default", kms.getKeyPolicy(b -> b.keyId(key.arn())).policyName());
        assertEquals(policy, aws.kms().key(key.keyId()).policy());
        assertThrows(NotFoundException.class, () -> kms.getKeyPolicy(b -> b.keyId(key.keyId()).policyName("other")));
    }

    @Test
    void aMalformedPolicyIsRefusedAndTheOldOneKept() {
        KeyMetadata key = signingKey();
        for (String policy : List.of("not json", "{\"Statement\":[]}",
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"signer\"},\"Action\":\"kms:Sign\",\"Resource\":\"*\"}]}",
                "{\"Statement\":[{\"Effect\":\"Maybe\",\"Principal\":\"*\",\"Action\":\"kms:Sign\",\"Resource\":\"*\"}]}")) {
            KmsException e = assertThrows(KmsException.class,
                    () -> kms.putKeyPolicy(b -> b.keyId(key.keyId()).policy(policy)), policy);
            assertEquals("MalformedPolicyDocumentException", e.awsErrorDetails().errorCode(), policy);
        }
        assertEquals(FakeKms.defaultKeyPolicy(FakeAws.ACCOUNT_ID), aws.kms().key(key.keyId()).policy());
    }

    @Test
    void keysMadeOutsideTheCliAreSeenOnTheWire() {
        FakeKms.Key made = aws.kms().createKey("RSA_2048", "SIGN_VERIFY");
        aws.kms().createAlias("alias/made", made.keyId());

        KeyMetadata described = kms.describeKey(b -> b.keyId("alias/made")).keyMetadata();
        assertEquals(made.arn(), described.arn());
        assertEquals(KeySpec.RSA_2048, described.keySpec());
        assertEquals(List.of("alias/made"), aws.kms().keys().get(0).aliases());
    }
}
