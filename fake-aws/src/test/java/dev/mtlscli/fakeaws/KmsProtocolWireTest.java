package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * KMS on the fake's shared endpoint: SigV4 checked for signing name {@code kms}, errors in the
 * JSON 1.1 shape, the fake's faults and latency, each region and account with its own keys, and
 * a key ARN of another account used as its policy allows.
 */
class KmsProtocolWireTest {
    private static final String MEMBER = "222222222222";

    private static String signingKey(KmsClient kms) {
        return kms.createKey(b -> b.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY)).keyMetadata().arn();
    }

    private static void sign(KmsClient kms, String keyId) {
        kms.sign(b -> b.keyId(keyId).message(SdkBytes.fromUtf8String("tbs"))
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256));
    }

    @Test
    void aWrongSecretKeyIsAnInvalidSignatureAndNothingIsCreated() {
        try (FakeAws aws = FakeAws.start(); KmsClient wrong = KmsWire.client(aws, aws.region(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeAws.ACCESS_KEY_ID, "not-the-secret")))) {
            KmsException e = assertThrows(KmsException.class, () -> signingKey(wrong));

            assertEquals(400, e.statusCode());
            assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode());
            assertTrue(aws.kms().keys().isEmpty());
            assertEquals("kms", aws.requests("CreateKey").get(0).service());
        }
    }

    @Test
    void aRequestSignedForAnotherServiceIsRefused() throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            HttpResponse<String> response = post(aws, "TrentService.ListAliases", "{}", "ssm");

            assertEquals(400, response.statusCode());
            Map<String, Object> body = Json.parseObject(response.body());
            assertEquals("InvalidSignatureException", body.get("__type"));
            assertTrue(String.valueOf(body.get("message")).contains("scoped to correct service: 'kms'"), response.body());
        }
    }

    @Test
    void errorsHaveTheJsonShapeOfKms() throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            HttpResponse<String> response = post(aws, "TrentService.DescribeKey",
                    "{\"KeyId\":\"alias/nothing\"}", "kms");

            assertEquals(400, response.statusCode());
            assertEquals("application/x-amz-json-1.1", response.headers().firstValue("content-type").orElseThrow());
            assertTrue(response.headers().firstValue("x-amzn-ErrorType").orElseThrow().startsWith("NotFoundException:"));
            Map<String, Object> body = Json.parseObject(response.body());
            assertEquals("NotFoundException", body.get("__type"));
            assertEquals("Alias arn:aws:kms:us-east-1:" + FakeAws.ACCOUNT_ID + ":alias/nothing is not found.",
                    body.get("message"));
            assertEquals("NotFoundException", aws.requests("DescribeKey").get(0).errorType());
        }
    }

    @Test
    void latencyAndQueuedFailuresApplyToKmsCalls() {
        try (FakeAws aws = FakeAws.start(); KmsClient kms = KmsWire.client(aws)) {
            String arn = signingKey(kms);
            aws.latency(Duration.ofMillis(300));
            long started = System.nanoTime();
            sign(kms, arn);
            assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofMillis(300)) >= 0);
            aws.latency(Duration.ZERO);

            aws.failNext("Sign", 400, "KMSInvalidStateException");
            KmsException e = assertThrows(KmsException.class, () -> sign(kms, arn));
            assertEquals("KMSInvalidStateException", e.awsErrorDetails().errorCode());
            sign(kms, arn);
            assertEquals(2, aws.kms().signCount(arn), "the injected failure signed nothing");
        }
    }

    @Test
    void eachRegionHasItsOwnKeysAndAnArnOfAnotherRegionIsNotFound() {
        try (FakeAws aws = FakeAws.startRegions("us-east-1", "eu-west-1");
             KmsClient east = KmsWire.client(aws, "us-east-1", KmsWire.home());
             KmsClient west = KmsWire.client(aws, "eu-west-1", KmsWire.home())) {
            String westKey = signingKey(west);
            String westId = westKey.substring(westKey.lastIndexOf('/') + 1);
            west.createAlias(b -> b.aliasName("alias/mtls/svc-ca").targetKeyId(westKey));
            east.createAlias(b -> b.aliasName("alias/mtls/svc-ca").targetKeyId(signingKey(east)));

            assertTrue(westKey.startsWith("arn:aws:kms:eu-west-1:" + FakeAws.ACCOUNT_ID + ":key/"), westKey);
            NotFoundException byArn = assertThrows(NotFoundException.class, () -> sign(east, westKey));
            assertEquals("Invalid arn eu-west-1", byArn.awsErrorDetails().errorMessage());
            assertThrows(NotFoundException.class, () -> east.describeKey(b -> b.keyId(westId)));
            assertEquals(westKey, west.describeKey(b -> b.keyId("alias/mtls/svc-ca")).keyMetadata().arn());
            assertEquals(1, aws.kms("eu-west-1").keys().size());
            assertEquals(1, aws.kms().keys().size());
            assertEquals("eu-west-1", aws.kms("eu-west-1").region());
        }
    }

    @Test
    void aKeyOfAnotherAccountSignsWhenItsPolicyNamesTheCaller() {
        try (FakeAws aws = FakeAws.startFleet(List.of("us-east-1"), List.of(MEMBER)); KmsClient home = KmsWire.client(aws)) {
            FakeKms member = aws.kms(MEMBER, "us-east-1");
            String shared = member.createKey("ECC_NIST_P256", "SIGN_VERIFY", "{\"Statement\":["
                    + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + MEMBER + ":root\"},"
                    + "\"Action\":\"kms:*\",\"Resource\":\"*\"},"
                    + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + FakeAws.ACCOUNT_ID + ":root\"},"
                    + "\"Action\":\"kms:Sign\",\"Resource\":\"*\"}]}").arn();
            FakeKms.Key own = member.createKey("ECC_NIST_P256", "SIGN_VERIFY");

            sign(home, shared);
            KmsException denied = assertThrows(KmsException.class, () -> sign(home, own.arn()));
            assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());
            assertThrows(NotFoundException.class, () -> sign(home, own.keyId()), "a bare key id is the caller's account");
            assertEquals(1, member.signCount(shared));
            assertTrue(aws.kms().keys().isEmpty());
        }
    }

    /** A raw KMS call signed for {@code signingName}, to see the bytes of the answer. */
    private static HttpResponse<String> post(FakeAws aws, String target, String body, String signingName)
            throws Exception {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(aws.endpoint().resolve("/"))
                .putHeader("Content-Type", "application/x-amz-json-1.1").putHeader("X-Amz-Target", target).build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.request(request)
                .payload(ContentStreamProvider.fromUtf8String(body))
                .identity(AwsCredentialsIdentity.create(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY))
                .putProperty(AwsV4HttpSigner.REGION_NAME, aws.region())
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName));
        HttpRequest.Builder http = HttpRequest.newBuilder(aws.endpoint().resolve("/"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                http.header(name, values.get(0));
            }
        });
        return HttpClient.newHttpClient().send(http.build(), HttpResponse.BodyHandlers.ofString());
    }
}
