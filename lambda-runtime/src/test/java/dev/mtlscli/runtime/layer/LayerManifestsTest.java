package dev.mtlscli.runtime.layer;

import dev.mtlscli.runtime.MtlsRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** manifest.json: what the cli writes is what the runtime reads, and a broken manifest says what is wrong. */
class LayerManifestsTest {
    private static final String SOURCE = "/opt/mtls/service-1/manifest.json";

    static LayerManifest sample() {
        return new LayerManifest(LayerManifest.VERSION, "service-1", "backend-service-1.com",
                new StoreRef("keystore.p12", "PKCS12", new ParameterRef("/mtls/service-1/keystore-password", 3)),
                new StoreRef("truststore.p12", "PKCS12", new ParameterRef("/mtls/service-1/truststore-password", 1)),
                Instant.parse("2027-11-25T05:44:38Z"),
                "D4:69:A6:BB:B3:FA:6A:1F:98:55:81:92:6C:1B:36:B6:89:03:09:F3:6D:61:E4:57:40:4B:7F:32:CF:D2:D4:47");
    }

    /** The sample as JSON text, with one field replaced: a valid manifest to break one piece at a time. */
    private static String json(String keyStore, String manifestVersion, String service) {
        return "{\"manifestVersion\":" + manifestVersion + ","
                + (service == null ? "" : "\"service\":" + service + ",")
                + "\"host\":\"backend-service-1.com\","
                + "\"keyStore\":" + keyStore + ","
                + "\"trustStore\":{\"file\":\"truststore.p12\",\"type\":\"PKCS12\",\"passwordParameter\":\"/mtls/service-1/truststore-password:1\"},"
                + "\"certificate\":{\"notAfter\":\"2027-11-25T05:44:38Z\",\"sha256\":\"AB:CD\"}}";
    }

    private static String store(String file, String parameter) {
        return "{\"file\":\"" + file + "\",\"type\":\"PKCS12\",\"passwordParameter\":\"" + parameter + "\"}";
    }

    private static final String GOOD_KEYSTORE = store("keystore.p12", "/mtls/service-1/keystore-password:3");

    private static MtlsRuntimeException parseFails(String json) {
        return assertThrows(MtlsRuntimeException.class,
                () -> LayerManifests.parse(json.getBytes(StandardCharsets.UTF_8), SOURCE));
    }

    private static void assertNames(MtlsRuntimeException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + part + "' not in: " + e.getMessage());
        }
    }

    @Test
    void theClientCertificateItselfIsReadBackAndAManifestWithoutItReadsAsNull() {
        LayerManifest without = sample();
        LayerManifest with = new LayerManifest(without.manifestVersion(), without.service(), without.host(), without.keyStore(),
                without.trustStore(), without.certificateNotAfter(), without.certificateSha256(), "MIIBdTCCARugAwIBAgIU");

        assertEquals(with, LayerManifests.parse(LayerManifests.toJson(with), SOURCE));
        // a manifest of an earlier release has no "der": still readable, the certificate unknown
        assertNull(LayerManifests.parse(json(GOOD_KEYSTORE, "1", "\"service-1\"").getBytes(StandardCharsets.UTF_8), SOURCE).certificateDer());
        assertFalse(new String(LayerManifests.toJson(without), StandardCharsets.UTF_8).contains("\"der\""));
    }

    @Test
    void aCertificateThatIsNotAStringIsNamed() {
        String text = json(GOOD_KEYSTORE, "1", "\"service-1\"").replace("\"sha256\":\"AB:CD\"", "\"sha256\":\"AB:CD\",\"der\":17");
        assertNames(parseFails(text), SOURCE, "'der' must be a non-empty string");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2027-11-25T07:10:59Z", "2024-02-29T23:59:59Z", "2027-11-25T07:10:59.123Z", "2027-11-25T07:10:59.000000001Z",
            "+12027-01-01T00:00:00Z"})
    void notAfterIsReadAsInstantParseReadsIt(String text) {
        assertEquals(Instant.parse(text), LayerManifests.instant(text, SOURCE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2027-13-25T07:10:59Z", "2023-02-29T00:00:00Z", "2027-11-25T24:00:00Z", "2027-11-2xT07:10:59Z",
            "2027-11-25 07:10:59Z", "2027-11-25T07:10:59", "tomorrow"})
    void aNotAfterThatIsNoInstantIsRefused(String text) {
        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> LayerManifests.instant(text, SOURCE));
        assertTrue(e.getMessage().contains("certificate.notAfter is not an ISO-8601 instant"), e.getMessage());
    }

    @Test
    void toJsonThenParseGivesTheSameManifest() {
        LayerManifest manifest = sample();
        byte[] json = LayerManifests.toJson(manifest);

        assertEquals(manifest, LayerManifests.parse(json, SOURCE));
    }

    @Test
    void writtenJsonNamesThePinnedParameterVersions() {
        String json = new String(LayerManifests.toJson(sample()), StandardCharsets.UTF_8);

        assertTrue(json.contains("\"passwordParameter\":\"/mtls/service-1/keystore-password:3\""), json);
        assertTrue(json.contains("\"passwordParameter\":\"/mtls/service-1/truststore-password:1\""), json);
        assertTrue(json.contains("\"manifestVersion\":1"), json);
        assertTrue(json.contains("\"notAfter\":\"2027-11-25T05:44:38Z\""), json);
    }

    @Test
    void readRoundTripsThroughAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(LayerManifest.FILE_NAME);
        Files.write(file, LayerManifests.toJson(sample()));

        assertEquals(sample(), LayerManifests.read(file));
    }

    @Test
    void aMissingFileSaysTheLayerMayNotBeAttached(@TempDir Path dir) {
        Path file = dir.resolve("mtls/service-9/manifest.json");

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> LayerManifests.read(file));

        assertNames(e, "no layer manifest at " + file, "layer");
    }

    @Test
    void theValidTemplateParses() {
        // guards the malformed cases below: each breaks exactly one thing of this manifest
        LayerManifest parsed = LayerManifests.parse(json(GOOD_KEYSTORE, "1", "\"service-1\"").getBytes(StandardCharsets.UTF_8), SOURCE);
        assertEquals("service-1", parsed.service());
        assertEquals(new ParameterRef("/mtls/service-1/keystore-password", 3), parsed.keyStore().password());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{", "{\"manifestVersion\": 1,", "[1, 2"})
    void notJson(String text) {
        assertNames(parseFails(text), SOURCE, "is not valid JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"manifest\"", "42", "null"})
    void jsonButNotAnObject(String text) {
        assertNames(parseFails(text), SOURCE, "is not a JSON object");
    }

    @Test
    void missingServiceField() {
        assertNames(parseFails(json(GOOD_KEYSTORE, "1", null)), SOURCE, "'service'", "must be a non-empty string");
    }

    @Test
    void emptyServiceField() {
        assertNames(parseFails(json(GOOD_KEYSTORE, "1", "\"\"")), SOURCE, "'service'");
    }

    @Test
    void serviceOfTheWrongType() {
        assertNames(parseFails(json(GOOD_KEYSTORE, "1", "7")), SOURCE, "'service'");
    }

    @Test
    void missingKeyStoreObject() {
        String text = json(GOOD_KEYSTORE, "1", "\"service-1\"").replace("\"keyStore\":", "\"keystore\":");
        assertNames(parseFails(text), SOURCE, "'keyStore' must be an object");
    }

    @Test
    void missingCertificateObject() {
        String text = json(GOOD_KEYSTORE, "1", "\"service-1\"").replace("\"certificate\":", "\"cert\":");
        assertNames(parseFails(text), SOURCE, "'certificate' must be an object");
    }

    @Test
    void notAfterThatIsNotAnInstant() {
        String text = json(GOOD_KEYSTORE, "1", "\"service-1\"").replace("2027-11-25T05:44:38Z", "next year");
        assertNames(parseFails(text), SOURCE, "certificate.notAfter", "ISO-8601");
    }

    @Test
    void missingManifestVersion() {
        String text = json(GOOD_KEYSTORE, "1", "\"service-1\"").replace("\"manifestVersion\":1,", "");
        assertNames(parseFails(text), SOURCE, "'manifestVersion' must be a whole number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"1\"", "1.5", "true"})
    void manifestVersionThatIsNotAWholeNumber(String version) {
        assertNames(parseFails(json(GOOD_KEYSTORE, version, "\"service-1\"")), SOURCE, "'manifestVersion' must be a whole number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "0", "-1"})
    void wrongVersion(String version) {
        assertNames(parseFails(json(GOOD_KEYSTORE, version, "\"service-1\"")), SOURCE,
                "has version " + version, "this runtime reads version 1");
    }

    /** 2^32 + 1 is not version 1, even though its low 32 bits are. */
    @Test
    void aVersionBeyondIntIsNotTruncatedIntoVersionOne() {
        assertNames(parseFails(json(GOOD_KEYSTORE, "4294967297", "\"service-1\"")), SOURCE, "4294967297");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "../../etc/passwd", "sub/keystore.p12", "/opt/keystore.p12", "..\\\\x", ".hidden"})
    void storeFileThatIsAPath(String file) {
        MtlsRuntimeException e = parseFails(json(store(file, "/mtls/service-1/keystore-password:3"), "1", "\"service-1\""));
        assertNames(e, SOURCE, "must be a plain file name");
        assertTrue(e.getMessage().contains("store file '" + file.replace("\\\\", "\\") + "'"), e.getMessage());
    }

    @Test
    void parameterWithoutVersion() {
        MtlsRuntimeException e = parseFails(json(store("keystore.p12", "/mtls/service-1/keystore-password"), "1", "\"service-1\""));
        assertNames(e, "/mtls/service-1/keystore-password", "has no version");
    }

    @Test
    void parameterWithAVersionThatIsNotANumber() {
        MtlsRuntimeException e = parseFails(json(store("keystore.p12", "/mtls/service-1/keystore-password:latest"), "1", "\"service-1\""));
        assertNames(e, "/mtls/service-1/keystore-password:latest", "no numeric version");
    }

    @Test
    void parameterWithVersionZero() {
        MtlsRuntimeException e = parseFails(json(store("keystore.p12", "/mtls/service-1/keystore-password:0"), "1", "\"service-1\""));
        assertNames(e, "invalid version 0", "/mtls/service-1/keystore-password");
    }

    @Test
    void messagesNeverEchoTheWholeDocument() {
        // a manifest holds no secret, but the error should stay one readable line
        MtlsRuntimeException e = parseFails("not json at all, but long " + "x".repeat(500));
        assertFalse(e.getMessage().contains("xxxxxxxx"), e.getMessage());
    }
}
