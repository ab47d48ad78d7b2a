package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The verifier against the worked example of AWS's SigV4 documentation (Amazon S3 API reference,
 * "Example: GET Object"), which was computed by AWS, not by the SDK the verifier signs with.
 */
class SigV4VerifierTest {
    private static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final Instant SIGNED_AT = Instant.parse("2013-05-24T00:00:00Z");
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String AUTHORIZATION = "AWS4-HMAC-SHA256"
            + " Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";

    private static SigV4Verifier verifierAt(Instant now) {
        return new SigV4Verifier(Map.of(ACCESS_KEY, SECRET), "us-east-1", Clock.fixed(now, ZoneOffset.UTC));
    }

    private static ReceivedRequest getObject(Map<String, String> changes, String body) {
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("host", List.of("examplebucket.s3.amazonaws.com"));
        headers.put("range", List.of("bytes=0-9"));
        headers.put("x-amz-content-sha256", List.of(EMPTY_SHA256));
        headers.put("x-amz-date", List.of("20130524T000000Z"));
        headers.put("authorization", List.of(AUTHORIZATION));
        changes.forEach((name, value) -> {
            if (value == null) {
                headers.remove(name);
            } else {
                headers.put(name, List.of(value));
            }
        });
        return new ReceivedRequest("GET", URI.create("/test.txt"), headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static SigV4Verifier.Rejected rejected(ReceivedRequest request, String service) {
        return assertThrows(SigV4Verifier.Rejected.class, () -> verifierAt(SIGNED_AT).verify(request, service));
    }

    @Test
    void acceptsTheDocumentedSignature() {
        assertDoesNotThrow(() -> verifierAt(SIGNED_AT).verify(getObject(Map.of(), ""), "s3"));
    }

    /**
     * "get-vanilla" of AWS's SigV4 test suite: signed without x-amz-content-sha256, as botocore
     * (the AWS CLI) signs every service but S3.
     */
    @Test
    void acceptsASignatureWithoutTheContentHashHeaderAsAwsDoes() {
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("host", List.of("example.amazonaws.com"));
        headers.put("x-amz-date", List.of("20150830T123600Z"));
        String authorization = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date, "
                + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
        headers.put("authorization", List.of(authorization));
        SigV4Verifier verifier = new SigV4Verifier(Map.of("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                "us-east-1", Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC));
        assertDoesNotThrow(() -> verifier.verify(new ReceivedRequest("GET", URI.create("/"), headers, new byte[0]), "service"));

        Map<String, List<String>> tampered = new HashMap<>(headers);
        SigV4Verifier.Rejected e = assertThrows(SigV4Verifier.Rejected.class, () ->
                verifier.verify(new ReceivedRequest("GET", URI.create("/"), tampered, "a body".getBytes(StandardCharsets.UTF_8)), "service"));
        assertEquals("InvalidSignatureException", e.type(), "the body is still covered by the signature");
    }

    @Test
    void rejectsAChangedSignedHeader() {
        SigV4Verifier.Rejected e = rejected(getObject(Map.of("range", "bytes=0-99"), ""), "s3");
        assertEquals("InvalidSignatureException", e.type());
        assertTrue(e.getMessage().startsWith("The request signature we calculated does not match"), e.getMessage());
    }

    @Test
    void rejectsAChangedBody() {
        assertEquals("InvalidSignatureException", rejected(getObject(Map.of(), "tampered"), "s3").type());
    }

    @Test
    void rejectsAChangedSignature() {
        String forged = AUTHORIZATION.replace("Signature=f0e8", "Signature=f0e9");
        assertEquals("InvalidSignatureException", rejected(getObject(Map.of("authorization", forged), ""), "s3").type());
    }

    @Test
    void rejectsAnotherServiceScope() {
        SigV4Verifier.Rejected e = rejected(getObject(Map.of(), ""), "ssm");
        assertEquals("InvalidSignatureException", e.type());
        assertTrue(e.getMessage().contains("correct service: 'ssm'"), e.getMessage());
    }

    @Test
    void rejectsAnExpiredSignature() {
        SigV4Verifier.Rejected e = assertThrows(SigV4Verifier.Rejected.class,
                () -> verifierAt(SIGNED_AT.plus(Duration.ofMinutes(16))).verify(getObject(Map.of(), ""), "s3"));
        assertEquals("InvalidSignatureException", e.type());
        assertTrue(e.getMessage().startsWith("Signature expired"), e.getMessage());
    }

    @Test
    void acceptsASignatureWithinTheAllowedSkew() {
        assertDoesNotThrow(() -> verifierAt(SIGNED_AT.plus(Duration.ofMinutes(14))).verify(getObject(Map.of(), ""), "s3"));
    }

    @Test
    void rejectsAMissingAuthorization() {
        Map<String, String> unsigned = new HashMap<>();
        unsigned.put("authorization", null);
        assertEquals("MissingAuthenticationTokenException", rejected(getObject(unsigned, ""), "s3").type());
    }

    @Test
    void rejectsAnUnknownAccessKey() {
        String stranger = AUTHORIZATION.replace(ACCESS_KEY, "AKIDSOMEONEELSE00000");
        assertEquals("UnrecognizedClientException",
                rejected(getObject(Map.of("authorization", stranger), ""), "s3").type());
    }

    @Test
    void rejectsAMissingDate() {
        Map<String, String> noDate = new HashMap<>();
        noDate.put("x-amz-date", null);
        assertEquals("IncompleteSignatureException", rejected(getObject(noDate, ""), "s3").type());
    }
}
