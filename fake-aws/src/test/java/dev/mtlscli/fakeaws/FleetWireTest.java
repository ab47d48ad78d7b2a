package dev.mtlscli.fakeaws;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.Account;
import software.amazon.awssdk.services.organizations.model.OrganizationsException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.StsException;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fleet in one fake, through the real SDK clients: STS AssumeRole into member accounts (the
 * SDK's StsAssumeRoleCredentialsProvider), each account with its own state, Organizations
 * ListAccounts, and functions of a member account using a layer of the home account only when
 * it is granted.
 */
class FleetWireTest {
    private static final String MEMBER_A = "222222222222";
    private static final String MEMBER_B = "333333333333";
    private static final String REGION = "eu-west-1";

    private FakeAws aws;

    @BeforeEach
    void start() {
        aws = FakeAws.startFleet(List.of(REGION, "us-east-1"), List.of(MEMBER_A, MEMBER_B));
        aws.iam().createRole(MEMBER_A, "mtls-rotation", FakeAws.ACCOUNT_ID);
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private StaticCredentialsProvider home() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY));
    }

    private StsClient sts() {
        return StsClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(REGION))
                .credentialsProvider(home()).endpointOverride(aws.endpoint()).build();
    }

    private AwsCredentialsProvider assumed(StsClient sts, String account) {
        return StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                .refreshRequest(b -> b.roleArn(FakeIam.roleArn(account, "mtls-rotation")).roleSessionName("mtls-cli")).build();
    }

    private LambdaClient lambda(AwsCredentialsProvider credentials) {
        return LambdaClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(REGION))
                .credentialsProvider(credentials).endpointOverride(aws.endpoint()).build();
    }

    @Test
    void anAssumedRoleActsInItsOwnAccount() throws Exception {
        try (StsClient sts = sts(); LambdaClient member = lambda(assumed(sts, MEMBER_A)); LambdaClient home = lambda(home())) {
            assertEquals(FakeAws.ACCOUNT_ID, sts.getCallerIdentity().account());
            try (StsClient asMember = StsClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(REGION))
                    .credentialsProvider(assumed(sts, MEMBER_A)).endpointOverride(aws.endpoint()).build()) {
                assertEquals(MEMBER_A, asMember.getCallerIdentity().account());
            }
            SdkBytes content = SdkBytes.fromByteArray(zip());
            member.publishLayerVersion(b -> b.layerName("mine").content(c -> c.zipFile(content)));

            assertEquals(1, aws.lambda(MEMBER_A, REGION).layerVersions("mine").size());
            assertEquals(0, aws.lambda(REGION).layerVersions("mine").size(), "not in the home account");
            assertTrue(home.listLayers().layers().isEmpty());
        }
    }

    @Test
    void aRoleThatDoesNotTrustTheCallerIsRefused() {
        try (StsClient sts = sts()) {
            StsException e = assertThrows(StsException.class,
                    () -> sts.assumeRole(b -> b.roleArn(FakeIam.roleArn(MEMBER_B, "mtls-rotation")).roleSessionName("mtls-cli")));
            assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
            assertTrue(e.getMessage().contains("is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::"
                    + MEMBER_B + ":role/mtls-rotation"), e.getMessage());
        }
    }

    @Test
    void theManagementAccountListsTheOrganization() {
        try (OrganizationsClient organizations = OrganizationsClient.builder().httpClient(UrlConnectionHttpClient.create())
                .region(Region.AWS_GLOBAL).credentialsProvider(home()).endpointOverride(aws.endpoint()).build()) {
            List<String> ids = organizations.listAccountsPaginator(b -> { }).stream()
                    .flatMap(page -> page.accounts().stream()).map(Account::id).toList();

            assertEquals(List.of(FakeAws.ACCOUNT_ID, MEMBER_A, MEMBER_B), ids, "all pages");
        }
        try (StsClient sts = sts(); OrganizationsClient member = OrganizationsClient.builder().httpClient(UrlConnectionHttpClient.create())
                .region(Region.AWS_GLOBAL).credentialsProvider(assumed(sts, MEMBER_A)).endpointOverride(aws.endpoint()).build()) {
            OrganizationsException e = assertThrows(OrganizationsException.class, () -> member.listAccounts());
            assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
        }
    }

    @Test
    void aMemberFunctionUsesAHomeLayerOnlyWhenItIsGranted() throws Exception {
        FakeLambda.LayerVersion layer = aws.lambda(REGION).publishLayerVersion("mtls-service-1", zip());
        try (StsClient sts = sts(); LambdaClient member = lambda(assumed(sts, MEMBER_A)); LambdaClient home = lambda(home())) {
            aws.lambda(MEMBER_A, REGION).createFunction("consumer", "java17", List.of(), java.util.Map.of());

            LambdaException denied = assertThrows(LambdaException.class, () -> member.updateFunctionConfiguration(
                    b -> b.functionName("consumer").layers(layer.layerVersionArn())));
            assertEquals(403, denied.statusCode(), denied.getMessage());

            home.addLayerVersionPermission(b -> b.layerName("mtls-service-1").versionNumber(layer.version())
                    .statementId("member-a").action("lambda:GetLayerVersion").principal(MEMBER_A));
            member.updateFunctionConfiguration(b -> b.functionName("consumer").layers(layer.layerVersionArn()));

            assertEquals(List.of(layer.layerVersionArn()), aws.lambda(MEMBER_A, REGION).function("consumer").orElseThrow().layerArns());
        }
    }

    private static byte[] zip() {
        return LambdaWire.zip(Map.of("mtls/s/manifest.json", "{}"));
    }
}
