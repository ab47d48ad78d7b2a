package dev.mtlscli.runtime.secrets;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.runtime.MtlsRuntimeException;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.runtime.testing.RawHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SsmPasswords through the real SDK client against the fake SSM endpoint (JSON 1.1, SigV4 checked). */
class SsmPasswordsWireTest {
    private FakeAws aws;
    private SsmClient ssm;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        ssm = client(aws.endpoint());
    }

    private static SsmClient client(URI endpoint) {
        return SsmClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(FakeAws.DEFAULT_REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY)))
                .endpointOverride(endpoint)
                .build();
    }

    @AfterEach
    void stop() {
        ssm.close();
        aws.close();
    }

    @Test
    void fetchesEveryPinnedVersionInOneDecryptingCall() {
        aws.ssm().put("/mtls/service-1/keystore-password", "ks1-v1", true);
        aws.ssm().put("/mtls/service-1/keystore-password", "ks1-v2", true);
        aws.ssm().put("/mtls/service-1/truststore-password", "ts1-v1", true);
        aws.ssm().put("/mtls/service-2/keystore-password", "ks2-v1", true);
        aws.ssm().put("/mtls/service-2/truststore-password", "ts2-v1", true);
        List<ParameterRef> wanted = List.of(
                new ParameterRef("/mtls/service-1/keystore-password", 1),
                new ParameterRef("/mtls/service-1/truststore-password", 1),
                new ParameterRef("/mtls/service-2/keystore-password", 1),
                new ParameterRef("/mtls/service-2/truststore-password", 1));

        Map<ParameterRef, char[]> passwords = new SsmPasswords(ssm).passwords(wanted);

        assertEquals("ks1-v1", new String(passwords.get(wanted.get(0))), "version 1, not the newer version 2");
        assertEquals("ts2-v1", new String(passwords.get(wanted.get(3))));
        List<RecordedRequest> calls = aws.requests("GetParameters");
        assertEquals(1, calls.size(), "one GetParameters call for all services");
        assertEquals(aws.requests().size(), calls.size(), "and no other call");
        assertEquals(Boolean.TRUE, calls.get(0).json().get("WithDecryption"));
        assertEquals(wanted.stream().map(ParameterRef::selector).toList(), calls.get(0).json().get("Names"));
    }

    @Test
    void theNewVersionIsReadWhenTheManifestPinsIt() {
        aws.ssm().put("/mtls/s/keystore-password", "old", true);
        aws.ssm().put("/mtls/s/keystore-password", "new", true);
        ParameterRef v2 = new ParameterRef("/mtls/s/keystore-password", 2);

        assertEquals("new", new String(new SsmPasswords(ssm).passwords(List.of(v2)).get(v2)));
    }

    @Test
    void moreThanTenParametersTakeOneCallPerTen() {
        List<ParameterRef> wanted = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            aws.ssm().put("/mtls/s" + i + "/keystore-password", "p" + i, true);
            wanted.add(new ParameterRef("/mtls/s" + i + "/keystore-password", 1));
        }

        Map<ParameterRef, char[]> passwords = new SsmPasswords(ssm).passwords(wanted);

        assertEquals(12, passwords.size());
        assertEquals("p11", new String(passwords.get(wanted.get(11))));
        assertEquals(2, aws.requests("GetParameters").size());
    }

    @Test
    void aMissingVersionIsNamed() {
        aws.ssm().put("/mtls/s/keystore-password", "only-v1", true);
        ParameterRef missing = new ParameterRef("/mtls/s/keystore-password", 7);

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class,
                () -> new SsmPasswords(ssm).passwords(List.of(missing)));
        assertTrue(e.getMessage().contains("/mtls/s/keystore-password:7"), e.getMessage());
    }

    @Test
    void noConnectionIsOneLineNamingTheVpcRoute() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (SsmClient unreachable = client(URI.create("http://127.0.0.1:" + closedPort))) {
            ParameterRef ref = new ParameterRef("/mtls/s/keystore-password", 1);

            MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> new SsmPasswords(unreachable).passwords(List.of(ref)));

            assertTrue(e.getMessage().startsWith("SSM GetParameters for [/mtls/s/keystore-password:1] failed before SSM answered"
                    + " (no connection: a function in a VPC reaches SSM through an SSM VPC endpoint or a NAT gateway): "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }

    @Test
    void throttlingIsRetriedByTheSdk() {
        aws.ssm().put("/mtls/s/keystore-password", "pw", true);
        aws.failNext("GetParameters", 400, "ThrottlingException");
        ParameterRef ref = new ParameterRef("/mtls/s/keystore-password", 1);

        assertEquals("pw", new String(new SsmPasswords(ssm).passwords(List.of(ref)).get(ref)));
        assertEquals(2, aws.requests("GetParameters").size());
    }

    @Test
    void anAnswerTrickledForeverEndsAtTheCallDeadlineWithoutItsContent() throws Exception {
        // the SDK's socket timeouts restart with every byte; only a deadline per call ends this
        try (RawHttpServer server = RawHttpServer.answering("HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n", out -> {
            while (true) {
                out.write("1\r\ns\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(50);
            }
        }); SsmClient trickled = SsmPasswords.lambdaClient(Duration.ofMillis(600))
                .region(Region.of(FakeAws.DEFAULT_REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY)))
                .endpointOverride(server.endpoint())
                .build()) {
            SsmPasswords provider = SsmPasswords.of(trickled, Duration.ofMillis(600));

            MtlsRuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(MtlsRuntimeException.class,
                    () -> provider.passwords(List.of(new ParameterRef("/mtls/service-1/keystore-password", 1)))));

            assertTrue(e.getMessage().startsWith("SSM GetParameters for [/mtls/service-1/keystore-password:1] did not complete"
                    + " within 600 ms (MTLS_SSM_TIMEOUT_MS)"), e.getMessage());
            assertFalse(e.getMessage().contains("sss"), "no answer content: " + e.getMessage());
        }
    }

    @Test
    void aTimeoutThatIsNotAPositiveNumberIsNamed() {
        MtlsRuntimeException text = assertThrows(MtlsRuntimeException.class,
                () -> SsmPasswords.lambdaDefault(Map.of(SsmPasswords.TIMEOUT_ENV, "ten")));
        assertEquals("MTLS_SSM_TIMEOUT_MS is not a number of milliseconds: 'ten'", text.getMessage());
        MtlsRuntimeException zero = assertThrows(MtlsRuntimeException.class,
                () -> SsmPasswords.lambdaDefault(Map.of(SsmPasswords.TIMEOUT_ENV, "0")));
        assertEquals("MTLS_SSM_TIMEOUT_MS must be a positive number of milliseconds: '0'", zero.getMessage());
    }
}
