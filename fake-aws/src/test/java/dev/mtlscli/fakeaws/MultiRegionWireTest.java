package dev.mtlscli.fakeaws;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.PublishLayerVersionResponse;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.SsmException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One fake endpoint for several regions, as a multi-region command sees AWS through one
 * --endpoint-url: the SigV4 credential scope's region picks whose state a request reads and
 * changes; a region the fake does not serve is refused like a wrongly scoped signature.
 */
class MultiRegionWireTest {
    private FakeAws aws;

    @BeforeEach
    void start() {
        aws = FakeAws.startRegions("us-east-1", "eu-west-1");
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private SsmClient ssm(String region) {
        return SsmClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY)))
                .endpointOverride(aws.endpoint()).build();
    }

    private LambdaClient lambda(String region) {
        return LambdaClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY)))
                .endpointOverride(aws.endpoint()).build();
    }

    @Test
    void eachRegionHasItsOwnParameters() {
        try (SsmClient east = ssm("us-east-1"); SsmClient west = ssm("eu-west-1")) {
            east.putParameter(b -> b.name("/mtls/s/keystore-password").value("east-1").type(ParameterType.SECURE_STRING));
            east.putParameter(b -> b.name("/mtls/s/keystore-password").value("east-2").type(ParameterType.SECURE_STRING).overwrite(true));
            west.putParameter(b -> b.name("/mtls/s/keystore-password").value("west-1").type(ParameterType.SECURE_STRING));

            assertEquals(2, east.getParameter(b -> b.name("/mtls/s/keystore-password")).parameter().version());
            assertEquals("west-1", west.getParameter(b -> b.name("/mtls/s/keystore-password").withDecryption(true)).parameter().value());
            assertEquals(1L, west.getParameter(b -> b.name("/mtls/s/keystore-password")).parameter().version());
            assertTrue(west.getParameter(b -> b.name("/mtls/s/keystore-password")).parameter().arn().contains(":eu-west-1:"));
        }
        assertEquals(2, aws.ssm("us-east-1").history("/mtls/s/keystore-password").size());
        assertEquals(1, aws.ssm("eu-west-1").history("/mtls/s/keystore-password").size());
    }

    @Test
    void aRegionTheFakeDoesNotServeIsRefused() {
        try (SsmClient south = ssm("sa-east-1")) {
            SsmException e = assertThrows(SsmException.class, () -> south.getParameter(b -> b.name("/x")));
            assertTrue(e.getMessage().contains("Credential should be scoped to a valid region, not 'sa-east-1'"), e.getMessage());
        }
    }

    @Test
    void layersAreRegionalAndTheirContentDownloadsFromEither() throws Exception {
        byte[] zip = zip();
        try (LambdaClient east = lambda("us-east-1"); LambdaClient west = lambda("eu-west-1")) {
            east.publishLayerVersion(b -> b.layerName("mtls-s").content(c -> c.zipFile(SdkBytes.fromByteArray(zip))));
            PublishLayerVersionResponse eastTwo = east.publishLayerVersion(b -> b.layerName("mtls-s").content(c -> c.zipFile(SdkBytes.fromByteArray(zip))));
            PublishLayerVersionResponse westOne = west.publishLayerVersion(b -> b.layerName("mtls-s").content(c -> c.zipFile(SdkBytes.fromByteArray(zip))));

            assertEquals(2L, eastTwo.version());
            assertEquals(1L, westOne.version(), "each region numbers its own versions");
            assertTrue(westOne.layerVersionArn().startsWith("arn:aws:lambda:eu-west-1:"), westOne.layerVersionArn());
            assertEquals(eastTwo.content().codeSha256(), westOne.content().codeSha256());
            for (String location : new String[] {eastTwo.content().location(), westOne.content().location()}) {
                HttpResponse<byte[]> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(location)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, download.statusCode());
                assertArrayEquals(zip, download.body());
            }
        }
        assertEquals(2, aws.lambda("us-east-1").layerVersions("mtls-s").size());
        assertEquals(1, aws.lambda("eu-west-1").layerVersions("mtls-s").size());
    }

    private static byte[] zip() {
        return LambdaWire.zip(Map.of("mtls/s/manifest.json", "{}"));
    }
}
