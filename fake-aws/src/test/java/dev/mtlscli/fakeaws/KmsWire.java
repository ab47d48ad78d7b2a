package dev.mtlscli.fakeaws;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The real KmsClient (and STS for assumed roles) pointed at a fake, and a JDK check of the
 * signatures KMS answers, independent of the fake's own signing code.
 */
final class KmsWire {
    private KmsWire() {
    }

    static StaticCredentialsProvider home() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY));
    }

    static KmsClient client(FakeAws aws) {
        return client(aws, aws.region(), home());
    }

    static KmsClient client(FakeAws aws, String region, AwsCredentialsProvider credentials) {
        return KmsClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(credentials)
                .region(Region.of(region))
                .endpointOverride(aws.endpoint())
                .build();
    }

    static StsClient sts(FakeAws aws) {
        return StsClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(aws.region()))
                .credentialsProvider(home()).endpointOverride(aws.endpoint()).build();
    }

    /** Credentials of a session of {@code roleName} in {@code account}, which trusts the home account. */
    static AwsCredentialsProvider assumedRole(FakeAws aws, StsClient sts, String account, String roleName) {
        aws.iam().createRole(account, roleName, FakeAws.ACCOUNT_ID);
        return StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                .refreshRequest(b -> b.roleArn(FakeIam.roleArn(account, roleName)).roleSessionName("kms-test")).build();
    }

    static PublicKey publicKey(SdkBytes der, String keySpec) throws GeneralSecurityException {
        return KeyFactory.getInstance(keySpec.startsWith("RSA") ? "RSA" : "EC")
                .generatePublic(new X509EncodedKeySpec(der.asByteArray()));
    }

    /** Whether {@code signature} is a signature of {@code message} under the KMS algorithm, by the JDK alone. */
    static boolean verifies(PublicKey key, String kmsAlgorithm, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        String hash = "SHA" + kmsAlgorithm.substring(kmsAlgorithm.length() - 3);
        String jdkHash = "SHA-" + kmsAlgorithm.substring(kmsAlgorithm.length() - 3);
        Signature verifier;
        if (kmsAlgorithm.startsWith("ECDSA")) {
            verifier = Signature.getInstance(hash + "withECDSA");
        } else if (kmsAlgorithm.startsWith("RSASSA_PKCS1")) {
            verifier = Signature.getInstance(hash + "withRSA");
        } else {
            verifier = Signature.getInstance("RSASSA-PSS");
            int saltLength = Integer.parseInt(kmsAlgorithm.substring(kmsAlgorithm.length() - 3)) / 8;
            verifier.setParameter(new PSSParameterSpec(jdkHash, "MGF1", new MGF1ParameterSpec(jdkHash), saltLength, 1));
        }
        verifier.initVerify(key);
        verifier.update(message);
        return verifier.verify(signature);
    }
}
