package dev.mtlscli.runtime;

import dev.mtlscli.runtime.testing.KeytoolLayer;
import dev.mtlscli.runtime.testing.RawHttpServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * MtlsClient.get reads a backend's body into memory, so it reads at most a bound: a backend that
 * streams without end, or announces or sends more, fails the call with the limit named instead
 * of exhausting the function's memory. Against a loopback server that writes raw HTTP/1.1.
 */
class MtlsClientBodyLimitTest {
    private static final long TEN_MIB = 10L * 1024 * 1024;

    @TempDir
    Path temp;

    private KeytoolLayer layer;

    @BeforeEach
    void layer() throws Exception {
        layer = KeytoolLayer.create(temp, "service-1");
    }

    private MtlsClients.Builder builder(Map<String, String> environment) {
        return MtlsClients.builder().layerRoot(layer.root()).environment(environment).passwords(layer.passwords()).services("service-1");
    }

    private MtlsClient client() {
        return builder(Map.of()).build().client("service-1");
    }

    private static RawHttpServer sending(int bytes) throws IOException {
        byte[] body = new byte[bytes];
        Arrays.fill(body, (byte) 'x');
        return RawHttpServer.answering("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n", out -> out.write(body));
    }

    private static RawHttpServer endless() throws IOException {
        byte[] chunk = ("4000\r\n" + "x".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        return RawHttpServer.answering("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n", out -> {
            while (true) {
                out.write(chunk);
            }
        });
    }

    @Test
    void anEndlessBodyFailsTheCallAtTheDefaultLimit() throws Exception {
        MtlsClient client = client();
        try (RawHttpServer server = endless()) {
            IOException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> assertThrows(IOException.class, () -> client.get(server.endpoint().resolve("/big?token=t0ps3cret"))));

            assertEquals(TEN_MIB, ((ResponseTooLargeException) e).limit());
            assertEquals("the body of " + server.endpoint() + "/big is longer than " + TEN_MIB + " bytes, the most get() reads"
                    + " (MtlsClients.Builder.maxBodyBytes, or MTLS_MAX_BODY_BYTES; send() with a BodyHandler of your own reads"
                    + " any size)", e.getMessage());
        }
    }

    @Test
    void aBodyOneByteOverTheDefaultLimitFailsAndOneOfTheLimitIsRead() throws Exception {
        MtlsClient client = client();
        try (RawHttpServer server = sending((int) TEN_MIB + 1)) {
            assertThrows(ResponseTooLargeException.class, () -> client.get(server.endpoint()));
        }
        try (RawHttpServer server = sending((int) TEN_MIB)) {
            assertEquals(TEN_MIB, client.get(server.endpoint()).body().length());
        }
    }

    @Test
    void aContentLengthOverTheLimitFailsBeforeAnyByteOfTheBody() throws Exception {
        MtlsClient client = client();
        try (RawHttpServer server = RawHttpServer.answering("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                + (TEN_MIB + 1) + "\r\n\r\n", out -> Thread.sleep(Long.MAX_VALUE))) {
            assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> assertThrows(ResponseTooLargeException.class, () -> client.get(server.endpoint())));
        }
    }

    @Test
    void theLimitIsSetInCodeOrInTheEnvironment() throws Exception {
        MtlsClient inCode = builder(Map.of(MtlsClients.MAX_BODY_BYTES_ENV, "5")).maxBodyBytes(1000).build().client("service-1");
        MtlsClient fromEnvironment = builder(Map.of(MtlsClients.MAX_BODY_BYTES_ENV, "1000")).build().client("service-1");

        for (MtlsClient client : List.of(inCode, fromEnvironment)) {
            try (RawHttpServer server = sending(1000)) {
                assertEquals("x".repeat(1000), client.get(server.endpoint()).body());
            }
            try (RawHttpServer server = endless()) {
                ResponseTooLargeException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                        () -> assertThrows(ResponseTooLargeException.class, () -> client.get(server.endpoint())));
                assertEquals(1000, e.limit());
            }
        }
    }

    @Test
    void aLimitThatIsNotAPositiveNumberIsRefused() {
        for (String value : List.of("0", "-1", "ten", "10MB")) {
            MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class,
                    () -> builder(Map.of(MtlsClients.MAX_BODY_BYTES_ENV, value)).build());
            assertEquals("MTLS_MAX_BODY_BYTES must be a positive number of bytes: '" + value + "'", e.getMessage());
        }
        assertThrows(MtlsRuntimeException.class, () -> MtlsClients.builder().maxBodyBytes(0));
    }
}
