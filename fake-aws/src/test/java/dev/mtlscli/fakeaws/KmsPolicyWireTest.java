package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Key policies decide who may use a key, through the real KmsClient with the home user's
 * credentials and with sessions of roles assumed through the real STS client: an Allow statement
 * must name the action and the caller (its ARN, the role of its session, its account root, or
 * {@code *}), a Deny wins, and the refusal names caller, action and key as KMS does.
 */
class KmsPolicyWireTest {
    private static final String ACCOUNT = FakeAws.ACCOUNT_ID;
    private static final String HOME_USER = "arn:aws:iam::" + ACCOUNT + ":user/fake-aws";
    private static final String SIGNER_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/signer";

    private FakeAws aws;
    private KmsClient kms;
    private StsClient sts;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        kms = KmsWire.client(aws);
        sts = KmsWire.sts(aws);
    }

    @AfterEach
    void stop() {
        kms.close();
        sts.close();
        aws.close();
    }

    private KmsClient as(String roleName) {
        return KmsWire.client(aws, aws.region(), KmsWire.assumedRole(aws, sts, ACCOUNT, roleName));
    }

    private static String statement(String effect, String principals, String actions) {
        return "{\"Effect\":\"" + effect + "\",\"Principal\":{\"AWS\":" + principals + "},\"Action\":" + actions
                + ",\"Resource\":\"*\"}";
    }

    private static String policy(String... statements) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
    }

    /** The policy the CLI sets: the account administers but does not sign; the signer role signs. */
    private static final String CA_POLICY = policy(
            statement("Allow", "\"arn:aws:iam::" + ACCOUNT + ":root\"",
                    "[\"kms:Create*\",\"kms:Describe*\",\"kms:Enable*\",\"kms:List*\",\"kms:Put*\",\"kms:Update*\","
                            + "\"kms:Revoke*\",\"kms:Disable*\",\"kms:Get*\",\"kms:Delete*\",\"kms:TagResource\","
                            + "\"kms:UntagResource\",\"kms:ScheduleKeyDeletion\",\"kms:CancelKeyDeletion\"]"),
            statement("Allow", "[\"" + SIGNER_ROLE + "\"]", "[\"kms:Sign\",\"kms:GetPublicKey\",\"kms:DescribeKey\"]"));

    private String key(String policy) {
        return kms.createKey(b -> b.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY).policy(policy))
                .keyMetadata().arn();
    }

    private static void sign(KmsClient client, String keyId) {
        client.sign(b -> b.keyId(keyId).message(SdkBytes.fromUtf8String("tbs"))
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256));
    }

    @Test
    void onlyTheNamedRoleSignsAndTheRefusalNamesCallerActionAndKey() {
        String arn = key(CA_POLICY);
        try (KmsClient signer = as("signer"); KmsClient other = as("other")) {
            sign(signer, arn);

            KmsException home = assertThrows(KmsException.class, () -> sign(kms, arn));
            assertEquals("AccessDeniedException", home.awsErrorDetails().errorCode());
            assertEquals(400, home.statusCode());
            assertEquals("User: " + HOME_USER + " is not authorized to perform: kms:Sign on resource: " + arn
                    + " because no resource-based policy allows the kms:Sign action", home.awsErrorDetails().errorMessage());
            KmsException stranger = assertThrows(KmsException.class, () -> sign(other, arn));
            assertTrue(stranger.awsErrorDetails().errorMessage().startsWith(
                    "User: arn:aws:sts::" + ACCOUNT + ":assumed-role/other/kms-test is not authorized to perform: kms:Sign"),
                    stranger.awsErrorDetails().errorMessage());
        }
        assertEquals(1, aws.kms().signCount(arn), "refused calls are not signatures");
        // the account root administers: describe, tag, read the policy
        kms.describeKey(b -> b.keyId(arn));
        kms.getKeyPolicy(b -> b.keyId(arn));
    }

    @Test
    void theDefaultPolicyLetsTheAccountDoEverything() {
        String arn = kms.createKey(b -> b.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
                .keyMetadata().arn();
        try (KmsClient anyRole = as("any")) {
            sign(kms, arn);
            sign(anyRole, arn);
        }
        assertEquals(2, aws.kms().signCount(arn));
    }

    @Test
    void theCallersOwnArnTheStarAndWildcardActionsAllow() {
        String user = key(policy(statement("Allow", "\"" + HOME_USER + "\"", "\"kms:*\"")));
        String star = key(policy(statement("Allow", "\"" + HOME_USER + "\"", "\"kms:PutKeyPolicy\""),
                statement("Allow", "\"*\"", "\"kms:Sign\"")));
        String getOnly = key(policy(statement("Allow", "\"" + HOME_USER + "\"", "[\"kms:Get*\",\"kms:PutKeyPolicy\"]")));

        sign(kms, user);
        sign(kms, star);
        kms.getPublicKey(b -> b.keyId(getOnly));
        KmsException e = assertThrows(KmsException.class, () -> sign(kms, getOnly));
        assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
        assertThrows(KmsException.class, () -> kms.describeKey(b -> b.keyId(getOnly)), "kms:Get* is not kms:DescribeKey");
    }

    @Test
    void anExplicitDenyWins() {
        String arn = key(policy(statement("Allow", "\"arn:aws:iam::" + ACCOUNT + ":root\"", "\"kms:*\""),
                statement("Deny", "\"" + SIGNER_ROLE + "\"", "\"kms:Sign\"")));
        try (KmsClient signer = as("signer")) {
            KmsException e = assertThrows(KmsException.class, () -> sign(signer, arn));
            assertTrue(e.awsErrorDetails().errorMessage().endsWith(
                    "kms:Sign on resource: " + arn + " with an explicit deny in a resource-based policy"),
                    e.awsErrorDetails().errorMessage());
        }
        sign(kms, arn);
    }

    @Test
    void aConditionalAllowDoesNotAllowAndAConditionalDenyDenies() {
        String conditionalAllow = key(policy(statement("Allow", "\"" + HOME_USER + "\"", "\"kms:PutKeyPolicy\""),
                "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + HOME_USER + "\"},\"Action\":\"kms:Sign\","
                        + "\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}}"));
        String conditionalDeny = key(policy(statement("Allow", "\"" + HOME_USER + "\"", "\"kms:*\""),
                "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:Sign\",\"Resource\":\"*\","
                        + "\"Condition\":{\"StringNotEquals\":{\"aws:SourceVpce\":\"vpce-1\"}}}"));

        assertThrows(KmsException.class, () -> sign(kms, conditionalAllow), "the fake does not evaluate conditions");
        assertThrows(KmsException.class, () -> sign(kms, conditionalDeny));
    }

    @Test
    void aPolicyThatLocksOutItsSetterIsRefusedUnlessBypassed() {
        String lockout = policy(statement("Allow", "[\"" + SIGNER_ROLE + "\"]", "\"kms:*\""));
        KmsException e = assertThrows(KmsException.class, () -> key(lockout));
        assertEquals("MalformedPolicyDocumentException", e.awsErrorDetails().errorCode());
        assertEquals("The new key policy will not allow you to update the key policy in the future.",
                e.awsErrorDetails().errorMessage());
        assertTrue(aws.kms().keys().isEmpty());

        String arn = kms.createKey(b -> b.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY)
                .policy(lockout).bypassPolicyLockoutSafetyCheck(true)).keyMetadata().arn();
        KmsException locked = assertThrows(KmsException.class,
                () -> kms.putKeyPolicy(b -> b.keyId(arn).policy(CA_POLICY)));
        assertEquals("AccessDeniedException", locked.awsErrorDetails().errorCode());
        assertTrue(locked.awsErrorDetails().errorMessage().contains("kms:PutKeyPolicy"));
    }

    @Test
    void aNewPolicyTakesEffectOnTheNextCall() {
        String arn = key(CA_POLICY);
        assertThrows(KmsException.class, () -> sign(kms, arn));
        kms.putKeyPolicy(b -> b.keyId(arn).policy(policy(statement("Allow", "\"" + ACCOUNT + "\"", "\"kms:*\""))));
        sign(kms, arn);
        assertEquals(List.of(), aws.kms().key(arn).aliases());
    }

    @Test
    void aTestCanChangeThePolicyBehindTheCallersBack() {
        String arn = key(CA_POLICY);
        try (KmsClient signer = as("signer")) {
            sign(signer, arn);
            aws.kms().putKeyPolicy(arn, policy(statement("Allow", "\"arn:aws:iam::" + ACCOUNT + ":root\"",
                    "\"kms:Describe*\"")));
            KmsException e = assertThrows(KmsException.class, () -> sign(signer, arn));
            assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
        }
    }
}
