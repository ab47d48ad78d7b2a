package dev.mtlscli.runtime.secrets;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeParametersExtension;
import dev.mtlscli.fakeaws.FakeSsm;
import dev.mtlscli.runtime.MtlsRuntimeException;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.runtime.testing.RawHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ExtensionPasswords over the wire against a loopback server that answers as the Parameters and
 * Secrets extension does (dev.mtlscli.fakeaws.FakeParametersExtension): the token check,
 * pinned versions, and each error answer named in one line with the parameter.
 */
class ExtensionPasswordsTest {
    private static final String TOKEN = "session-token-of-the-function";
    private static final ParameterRef KEYSTORE_1 = new ParameterRef("/mtls/service-1/keystore-password", 1);
    private static final ParameterRef TRUSTSTORE_1 = new ParameterRef("/mtls/service-1/truststore-password", 1);

    private FakeAws aws;
    private FakeParametersExtension extension;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        FakeSsm ssm = aws.ssm();
        ssm.put(KEYSTORE_1.name(), "keystore-password-version-1", true);
        ssm.put(KEYSTORE_1.name(), "keystore-password-version-2", true);
        ssm.put(TRUSTSTORE_1.name(), "truststore-password-version-1", true);
        extension = FakeParametersExtension.start(ssm, TOKEN);
    }

    @AfterEach
    void stop() {
        extension.close();
        aws.close();
    }

    private ExtensionPasswords provider(String token) {
        return new ExtensionPasswords(extension.endpoint(), token, Duration.ofSeconds(5));
    }

    @Test
    void thePinnedVersionsAreFetchedDecryptedWithTheSessionToken() {
        Map<ParameterRef, char[]> passwords = provider(TOKEN).passwords(List.of(KEYSTORE_1, TRUSTSTORE_1, KEYSTORE_1));

        assertEquals("keystore-password-version-1", new String(passwords.get(KEYSTORE_1)), "version 1, not the latest (2)");
        assertEquals("truststore-password-version-1", new String(passwords.get(TRUSTSTORE_1)));
        Set<String> queries = extension.requests().stream().map(URI::getQuery).collect(Collectors.toSet());
        assertEquals(Set.of("name=/mtls/service-1/keystore-password&version=1&withDecryption=true",
                "name=/mtls/service-1/truststore-password&version=1&withDecryption=true"), queries, "one GET per parameter");
        assertEquals(2, extension.requests().size());
    }

    @Test
    void aWrongOrMissingTokenIsNamed() {
        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> provider("another-token").passwords(List.of(KEYSTORE_1)));

        assertOneLine(e, "cannot get /mtls/service-1/keystore-password:1: the extension refused the session token (HTTP 401");
        assertFalse(e.getMessage().contains("another-token"), "the token is not repeated: " + e.getMessage());
    }

    @Test
    void aParameterOrVersionThatDoesNotExistIsNamed() {
        MtlsRuntimeException noParameter = assertThrows(MtlsRuntimeException.class,
                () -> provider(TOKEN).passwords(List.of(new ParameterRef("/mtls/nosuch/keystore-password", 1))));
        assertOneLine(noParameter, "cannot get /mtls/nosuch/keystore-password:1: no such parameter (HTTP 400");

        MtlsRuntimeException noVersion = assertThrows(MtlsRuntimeException.class,
                () -> provider(TOKEN).passwords(List.of(new ParameterRef(KEYSTORE_1.name(), 7))));
        assertOneLine(noVersion, "cannot get /mtls/service-1/keystore-password:7: no such version of the parameter (HTTP 400");
    }

    @Test
    void aServerErrorIsNamed() {
        extension.failWith(503);

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> provider(TOKEN).passwords(List.of(KEYSTORE_1)));

        assertOneLine(e, "cannot get /mtls/service-1/keystore-password:1: the extension answered (HTTP 503: internal error)");
    }

    @Test
    void anExtensionStillStartingIsAskedAgain() {
        extension.notReadyFor(3);

        Map<ParameterRef, char[]> passwords = provider(TOKEN).passwords(List.of(KEYSTORE_1));

        assertEquals("keystore-password-version-1", new String(passwords.get(KEYSTORE_1)));
        assertEquals(4, extension.requests().size(), "three 'not ready' answers, then the password");
    }

    @Test
    void anExtensionThatStaysNotReadyEndsAtTheTimeoutWithItsAnswer() {
        extension.notReadyFor(Integer.MAX_VALUE);
        ExtensionPasswords provider = new ExtensionPasswords(extension.endpoint(), TOKEN, Duration.ofSeconds(2));

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> provider.passwords(List.of(KEYSTORE_1)));

        assertOneLine(e, "(HTTP 400: not ready to serve traffic");
        assertTrue(extension.requests().size() > 1, "asked again before giving up");
    }

    @Test
    void nothingListeningIsNamedWithTheVariableToCheck() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        ExtensionPasswords provider = new ExtensionPasswords(URI.create("http://localhost:" + port), TOKEN, Duration.ofMillis(300));

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> provider.passwords(List.of(KEYSTORE_1)));

        assertOneLine(e, "nothing listens there after 300 ms (is the extension's layer attached, and PARAMETERS_SECRETS_EXTENSION_HTTP_PORT its port?)");
    }

    @Test
    void anExtensionThatNeverAnswersEndsAtTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread accepter = new Thread(() -> {
                try (Socket ignored = silent.accept()) {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (IOException | InterruptedException done) {
                    // the test is over
                }
            });
            accepter.setDaemon(true);
            accepter.start();
            ExtensionPasswords provider = new ExtensionPasswords(URI.create("http://localhost:" + silent.getLocalPort()), TOKEN,
                    Duration.ofMillis(300));

            MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> provider.passwords(List.of(KEYSTORE_1)));

            assertOneLine(e, "cannot get /mtls/service-1/keystore-password:1: no answer within 300 ms");
            accepter.interrupt();
        }
    }

    @Test
    void aBodyTrickledForeverEndsAtTheTimeoutWithoutItsContent() throws Exception {
        // headers at once, then one byte of a password-looking body every 50 ms, forever
        try (RawHttpServer server = RawHttpServer.answering("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n", out -> {
            while (true) {
                out.write("1\r\ns\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(50);
            }
        })) {
            ExtensionPasswords provider = new ExtensionPasswords(server.endpoint(), TOKEN, Duration.ofMillis(400));

            MtlsRuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(MtlsRuntimeException.class, () -> provider.passwords(List.of(KEYSTORE_1))));

            assertOneLine(e, "Parameters and Secrets extension at " + server.endpoint()
                    + ": cannot get /mtls/service-1/keystore-password:1: no complete answer within 400 ms (MTLS_EXTENSION_TIMEOUT_MS");
            assertFalse(e.getMessage().contains("sss"), "no body content: " + e.getMessage());
        }
    }

    @Test
    void anEndlessBodyEndsAtTheSizeLimit() throws Exception {
        byte[] chunk = ("4000\r\n" + "s".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        try (RawHttpServer server = RawHttpServer.answering("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n", out -> {
            while (true) {
                out.write(chunk);
            }
        })) {
            ExtensionPasswords provider = new ExtensionPasswords(server.endpoint(), TOKEN, Duration.ofSeconds(30));

            MtlsRuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(MtlsRuntimeException.class, () -> provider.passwords(List.of(KEYSTORE_1))));

            assertOneLine(e, "Parameters and Secrets extension at " + server.endpoint()
                    + ": cannot get /mtls/service-1/keystore-password:1: the extension sent more than 65536 bytes");
            assertFalse(e.getMessage().contains("sss"), "no body content: " + e.getMessage());
        }
    }

    @Test
    void aContentLengthAboveTheLimitIsRefusedBeforeReading() throws Exception {
        // announces 10 MB and sends nothing: only the header can have been judged
        try (RawHttpServer server = RawHttpServer.answering("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Content-Length: 10000000\r\n\r\n", out -> Thread.sleep(Long.MAX_VALUE))) {
            ExtensionPasswords provider = new ExtensionPasswords(server.endpoint(), TOKEN, Duration.ofSeconds(30));

            MtlsRuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(MtlsRuntimeException.class, () -> provider.passwords(List.of(KEYSTORE_1))));

            assertOneLine(e, "cannot get /mtls/service-1/keystore-password:1: the extension sent more than 65536 bytes");
        }
    }

    @Test
    void withoutASessionTokenItSaysSo() {
        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class,
                () -> ExtensionPasswords.fromEnvironment(Map.of(ExtensionPasswords.PORT_ENV, "2773")));
        assertOneLine(e, "AWS_SESSION_TOKEN is not set");
        MtlsRuntimeException port = assertThrows(MtlsRuntimeException.class,
                () -> ExtensionPasswords.fromEnvironment(Map.of(ExtensionPasswords.PORT_ENV, "http", "AWS_SESSION_TOKEN", TOKEN)));
        assertOneLine(port, "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT is not a port number: 'http'");
    }

    @Test
    void theExtensionIsPickedWhenItsPortIsSetOrItsExecutableIsInstalled(@TempDir Path opt) throws IOException {
        Path extensions = Files.createDirectories(opt.resolve("extensions"));
        Map<String, String> lambda = Map.of("AWS_SESSION_TOKEN", TOKEN);

        assertFalse(PasswordProviders.extensionPresent(lambda, extensions));
        assertTrue(PasswordProviders.extensionPresent(Map.of(ExtensionPasswords.PORT_ENV, "2773"), extensions));
        Files.createFile(extensions.resolve("AWSParametersAndSecretsLambdaExtension"));
        assertTrue(PasswordProviders.extensionPresent(lambda, extensions));
        assertInstanceOf(ExtensionPasswords.class, PasswordProviders.forLambda(lambda, extensions));
        assertInstanceOf(ExtensionPasswords.class, PasswordProviders.forLambda(
                Map.of("AWS_SESSION_TOKEN", TOKEN, PasswordProviders.SOURCE_ENV, "extension"), opt.resolve("none")));

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class,
                () -> PasswordProviders.forLambda(Map.of(PasswordProviders.SOURCE_ENV, "vault"), extensions));
        assertOneLine(e, "MTLS_PASSWORD_SOURCE must be extension or ssm, not 'vault'");
    }

    @Test
    void withoutTheExtensionSsmIsUsed(@TempDir Path opt) {
        String before = System.getProperty("aws.region");
        System.setProperty("aws.region", "us-east-1");
        try {
            assertInstanceOf(SsmPasswords.class, PasswordProviders.forLambda(Map.of(), opt.resolve("extensions")));
            Path installed = opt.resolve("with");
            assertInstanceOf(SsmPasswords.class, PasswordProviders.forLambda(Map.of(PasswordProviders.SOURCE_ENV, "ssm",
                    ExtensionPasswords.PORT_ENV, "2773"), installed), "MTLS_PASSWORD_SOURCE=ssm wins");
        } finally {
            if (before == null) {
                System.clearProperty("aws.region");
            } else {
                System.setProperty("aws.region", before);
            }
        }
    }

    private static void assertOneLine(MtlsRuntimeException e, String expected) {
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
