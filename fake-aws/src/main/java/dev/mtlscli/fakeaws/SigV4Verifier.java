package dev.mtlscli.fakeaws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.internal.signer.CredentialScope;
import software.amazon.awssdk.http.auth.aws.internal.signer.V4CanonicalRequest;
import software.amazon.awssdk.http.auth.aws.internal.signer.util.SignerUtils;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.utils.BinaryUtils;

/**
 * Checks the SigV4 {@code Authorization} header of a received request the way AWS does, by
 * signing the request again with the SDK's own {@link AwsV4HttpSigner}: the copy carries exactly
 * the headers the client listed in {@code SignedHeaders}, the received body, and a signing clock
 * fixed at the request's {@code X-Amz-Date}; the resulting Authorization header must be the one
 * the client sent.
 *
 * <p>The SDK signer always adds and signs {@code x-amz-content-sha256}, as SDK v2 clients do.
 * Other clients (botocore, so the AWS CLI) sign it only for S3, and AWS accepts that: such a
 * request is checked over the canonical request of the SDK's own signer, with the body's hash.
 */
final class SigV4Verifier {
    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String MISMATCH = "The request signature we calculated does not match the signature"
            + " you provided. Check your AWS Secret Access Key and signing method."
            + " Consult the service documentation for details.";

    /** Why a request was refused: the AWS error type and message. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        private final String type;

        Rejected(String type, String message) {
            super(message, null, false, false);
            this.type = type;
        }

        String type() {
            return type;
        }
    }

    private final FakeIdentities identities;
    private final Set<String> regions;
    private final Clock clock;

    SigV4Verifier(Map<String, String> secretsByAccessKey, String region, Clock clock) {
        this(identities(secretsByAccessKey), Set.of(region), clock);
    }

    /** @param regions the regions this endpoint serves: a request signed for another one is refused, as AWS does */
    SigV4Verifier(FakeIdentities identities, Set<String> regions, Clock clock) {
        this.identities = identities;
        this.regions = Set.copyOf(regions);
        this.clock = clock;
    }

    private static FakeIdentities identities(Map<String, String> secretsByAccessKey) {
        FakeIdentities identities = new FakeIdentities();
        secretsByAccessKey.forEach((key, secret) -> identities.addLongTerm(key, secret, FakeAws.ACCOUNT_ID));
        return identities;
    }

    /** Who signed a request, and for which region: the state it reads and changes. */
    record Caller(String account, String region, FakeIdentities.Identity identity) {
    }

    /** Global services (STS, Organizations) answer a signature scoped to any region. */
    String verify(ReceivedRequest request, String service) throws Rejected {
        return verifyCaller(request, service, false).region();
    }

    /**
     * Returns the region of the credential scope when the request is signed for {@code service}
     * with known credentials: the region whose state the request reads and changes.
     */
    Caller verifyCaller(ReceivedRequest request, String service, boolean global) throws Rejected {
        String authorization = request.header("authorization");
        if (authorization == null) {
            throw new Rejected("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Authorization auth = Authorization.parse(authorization);
        FakeIdentities.Identity identity = identities.find(auth.accessKeyId).orElse(null);
        if (identity == null) {
            throw new Rejected("UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        if (identity.sessionToken() != null) {
            if (!identity.sessionToken().equals(request.header("x-amz-security-token"))) {
                throw new Rejected("UnrecognizedClientException", "The security token included in the request is invalid.");
            }
            if (clock.instant().isAfter(identity.expiration())) {
                throw new Rejected("ExpiredTokenException", "The security token included in the request is expired");
            }
        }
        String secret = identity.secret();
        Instant signedAt = amzDate(request);
        checkScope(auth, signedAt, service, global);
        checkClock(signedAt);
        checkSignedHeaders(auth, request);

        String expected = resign(request, auth, secret, signedAt, service);
        Authorization recomputed = Authorization.parse(expected);
        if (!recomputed.signedHeaders.equals(auth.signedHeaders)
                || !MessageDigest.isEqual(recomputed.signature.getBytes(StandardCharsets.US_ASCII),
                                          auth.signature.getBytes(StandardCharsets.US_ASCII))) {
            throw new Rejected("InvalidSignatureException", MISMATCH);
        }
        return new Caller(identity.account(), auth.region, identity);
    }

    private static Instant amzDate(ReceivedRequest request) throws Rejected {
        String value = request.header("x-amz-date");
        if (value == null) {
            throw new Rejected("IncompleteSignatureException",
                    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        try {
            return AMZ_DATE.parse(value, Instant::from);
        } catch (DateTimeParseException e) {
            throw new Rejected("IncompleteSignatureException", "Date must be in ISO-8601 'basic format'. Got '"
                    + value + "'. See http://en.wikipedia.org/wiki/ISO_8601");
        }
    }

    private void checkScope(Authorization auth, Instant signedAt, String service, boolean global) throws Rejected {
        String day = AMZ_DATE.format(signedAt).substring(0, 8);
        if (!auth.date.equals(day)) {
            throw new Rejected("InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from"
                    + " ISO-8601 version of date from HTTP: '" + auth.date + "' != '" + day + "'");
        }
        if (!global && !regions.contains(auth.region)) {
            throw new Rejected("InvalidSignatureException",
                    "Credential should be scoped to a valid region, not '" + auth.region + "'. ");
        }
        if (!auth.service.equals(service)) {
            throw new Rejected("InvalidSignatureException",
                    "Credential should be scoped to correct service: '" + service + "'. ");
        }
        if (!auth.terminator.equals("aws4_request")) {
            throw new Rejected("InvalidSignatureException", "Credential should be scoped with a valid terminator:"
                    + " 'aws4_request', not '" + auth.terminator + "'. ");
        }
    }

    private void checkClock(Instant signedAt) throws Rejected {
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            throw new Rejected("InvalidSignatureException", "Signature expired: " + AMZ_DATE.format(signedAt)
                    + " is now earlier than " + AMZ_DATE.format(now.minus(MAX_SKEW))
                    + " (" + AMZ_DATE.format(now) + " - 15 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            throw new Rejected("InvalidSignatureException", "Signature not yet current: " + AMZ_DATE.format(signedAt)
                    + " is still later than " + AMZ_DATE.format(now.plus(MAX_SKEW))
                    + " (" + AMZ_DATE.format(now) + " + 15 min.)");
        }
    }

    private static void checkSignedHeaders(Authorization auth, ReceivedRequest request) throws Rejected {
        List<String> names = auth.signedHeaderNames();
        if (!names.contains("host")) {
            throw new Rejected("InvalidSignatureException",
                    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }
        for (String name : names) {
            if (!request.headers().containsKey(name)) {
                throw new Rejected("InvalidSignatureException", "The header '" + name
                        + "' is listed in SignedHeaders but is not in the request.");
            }
        }
    }

    /** Signs a copy of the request with the SDK's signer and returns the Authorization header it made. */
    private String resign(ReceivedRequest request, Authorization auth, String secret, Instant signedAt,
                          String service) {
        SdkHttpRequest.Builder copy = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(request.method()))
                .protocol("http")
                .host("127.0.0.1")
                .encodedPath(request.uri().getRawPath() == null ? "" : request.uri().getRawPath());
        for (Map.Entry<String, List<String>> param : decodeQuery(request.uri().getRawQuery()).entrySet()) {
            copy.putRawQueryParameter(param.getKey(), param.getValue());
        }
        for (String name : auth.signedHeaderNames()) {
            copy.putHeader(name, request.headers().get(name));
        }
        if (!auth.signedHeaderNames().contains("x-amz-content-sha256")) {
            return signWithoutContentHashHeader(copy.build(), request.body(), auth, secret, signedAt, service);
        }
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .request(copy.build())
                .payload(ContentStreamProvider.fromByteArrayUnsafe(request.body()))
                .identity(AwsCredentialsIdentity.create(auth.accessKeyId, secret))
                .putProperty(AwsV4HttpSigner.REGION_NAME, auth.region)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
        return signed.request().firstMatchingHeader("Authorization").orElseThrow();
    }

    /**
     * The Authorization header for a request whose signed headers are exactly those on {@code copy},
     * built from the SDK signer's own pieces: its public signer would add x-amz-content-sha256.
     */
    private static String signWithoutContentHashHeader(SdkHttpRequest copy, byte[] body, Authorization auth, String secret,
                                                       Instant signedAt, String service) {
        V4CanonicalRequest canonical = new V4CanonicalRequest(copy, BinaryUtils.toHex(SignerUtils.hash(body)),
                new V4CanonicalRequest.Options(true, true));
        CredentialScope scope = new CredentialScope(auth.region, service, signedAt);
        AwsCredentialsIdentity credentials = AwsCredentialsIdentity.create(auth.accessKeyId, secret);
        String stringToSign = ALGORITHM + "\n" + scope.getDatetime() + "\n" + scope.scope() + "\n"
                + SignerUtils.hashCanonicalRequest(canonical.getCanonicalRequestString());
        String signature = BinaryUtils.toHex(SignerUtils.computeSignature(stringToSign,
                SignerUtils.deriveSigningKey(credentials, scope)));
        return ALGORITHM + " Credential=" + scope.scope(credentials) + ", SignedHeaders="
                + canonical.getSignedHeadersString() + ", Signature=" + signature;
    }

    /** Query parameters, percent-decoded; '+' stays '+' since SigV4 clients encode a space as %20. */
    private static Map<String, List<String>> decodeQuery(String rawQuery) {
        Map<String, List<String>> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.computeIfAbsent(percentDecode(name), k -> new java.util.ArrayList<>()).add(percentDecode(value));
        }
        return params;
    }

    private static String percentDecode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The parts of an {@code AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...} header. */
    private static final class Authorization {
        final String accessKeyId;
        final String date;
        final String region;
        final String service;
        final String terminator;
        final String signedHeaders;
        final String signature;

        private Authorization(String[] scope, String signedHeaders, String signature) {
            this.accessKeyId = scope[0];
            this.date = scope[1];
            this.region = scope[2];
            this.service = scope[3];
            this.terminator = scope[4];
            this.signedHeaders = signedHeaders;
            this.signature = signature;
        }

        List<String> signedHeaderNames() {
            return Arrays.asList(signedHeaders.split(";"));
        }

        static Authorization parse(String header) throws Rejected {
            if (!header.startsWith(ALGORITHM + " ")) {
                throw new Rejected("IncompleteSignatureException",
                        "Authorization header requires the '" + ALGORITHM + "' algorithm. Authorization=" + header);
            }
            Map<String, String> fields = new HashMap<>();
            for (String part : header.substring(ALGORITHM.length() + 1).split(",")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    fields.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
                }
            }
            String credential = fields.get("Credential");
            String signedHeaders = fields.get("SignedHeaders");
            String signature = fields.get("Signature");
            if (credential == null || signedHeaders == null || signature == null) {
                throw new Rejected("IncompleteSignatureException", "Authorization header requires 'Credential',"
                        + " 'SignedHeaders' and 'Signature' parameters. Authorization=" + header);
            }
            String[] scope = credential.split("/", -1);
            if (scope.length != 5) {
                throw new Rejected("IncompleteSignatureException", "Credential must have exactly 5 slash-delimited"
                        + " elements, e.g. keyid/date/region/service/term, got '" + credential + "'");
            }
            return new Authorization(scope, signedHeaders, signature);
        }
    }
}
