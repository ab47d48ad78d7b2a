package dev.mtlscli.fakeaws;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * STS in the AWS Query protocol (form-encoded POST, XML answers), as the SDK's StsClient speaks
 * it: AssumeRole (the role must exist in its account and trust the caller's account; the
 * temporary credentials it returns act in that account) and GetCallerIdentity. Signatures are
 * checked like every other request; STS is global, so any region's scope is accepted.
 */
final class StsQueryHandler {
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws:iam::(\\d{12}):role/([\\w+=,.@/-]{1,64})");
    private static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final int DEFAULT_DURATION_SECONDS = 3600;

    private final SigV4Verifier verifier;
    private final FakeIdentities identities;
    private final FakeIam iam;
    private final Faults faults;
    private final Clock clock;
    private final Consumer<RecordedRequest> recorder;

    StsQueryHandler(SigV4Verifier verifier, FakeIdentities identities, FakeIam iam, Faults faults, Clock clock,
                    Consumer<RecordedRequest> recorder) {
        this.verifier = verifier;
        this.identities = identities;
        this.iam = iam;
        this.faults = faults;
        this.clock = clock;
        this.recorder = recorder;
    }

    static boolean isQueryRequest(ReceivedRequest request) {
        String type = request.header("content-type");
        return type != null && type.startsWith("application/x-www-form-urlencoded");
    }

    void handle(HttpExchange exchange, ReceivedRequest request) throws IOException {
        Map<String, String> params = form(request.bodyText());
        String action = params.get("Action");
        int status;
        String body;
        String errorType = null;
        try {
            SigV4Verifier.Caller caller = verifier.verifyCaller(request, "sts", true);
            faults.awaitRelease(caller.region());
            faults.applyFailure(action);
            body = switch (action == null ? "" : action) {
                case "AssumeRole" -> assumeRole(caller, params);
                case "GetCallerIdentity" -> callerIdentity(caller);
                default -> throw new AwsError(400, "InvalidAction", "Could not find operation " + action + " for version 2011-06-15");
            };
            status = 200;
        } catch (SigV4Verifier.Rejected rejected) {
            status = 403;
            errorType = rejected.type();
            body = error(rejected.type(), rejected.getMessage());
        } catch (AwsError e) {
            status = e.status();
            errorType = e.type();
            body = error(e.type(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 500;
            errorType = "InternalFailure";
            body = error(errorType, "fake-aws was stopped while holding the answer.");
        }
        recorder.accept(new RecordedRequest("sts", action, request.headers(), request.bodyText(), new LinkedHashMap<>(params),
                status, errorType));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private String assumeRole(SigV4Verifier.Caller caller, Map<String, String> params) throws AwsError {
        String roleArn = params.get("RoleArn");
        String session = params.get("RoleSessionName");
        if (roleArn == null || session == null) {
            throw new AwsError(400, "MissingParameter", "RoleArn and RoleSessionName are required");
        }
        Matcher matcher = ROLE_ARN.matcher(roleArn);
        if (!matcher.matches()) {
            throw new AwsError(400, "ValidationError", "1 validation error detected: Value '" + roleArn
                    + "' at 'roleArn' failed to satisfy constraint");
        }
        if (!iam.mayAssume(roleArn, caller.account())) {
            throw new AwsError(403, "AccessDenied", "User: " + caller.identity().principalArn()
                    + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn);
        }
        int seconds = params.containsKey("DurationSeconds") ? Integer.parseInt(params.get("DurationSeconds")) : DEFAULT_DURATION_SECONDS;
        Instant expiration = clock.instant().plusSeconds(seconds).truncatedTo(ChronoUnit.SECONDS);
        String assumedArn = "arn:aws:sts::" + matcher.group(1) + ":assumed-role/" + matcher.group(2) + "/" + session;
        FakeIdentities.Identity temporary = identities.issueTemporary(matcher.group(1), assumedArn, expiration);
        return "<AssumeRoleResponse xmlns=\"" + NAMESPACE + "\"><AssumeRoleResult>"
                + "<Credentials><AccessKeyId>" + temporary.accessKeyId() + "</AccessKeyId>"
                + "<SecretAccessKey>" + temporary.secret() + "</SecretAccessKey>"
                + "<SessionToken>" + temporary.sessionToken() + "</SessionToken>"
                + "<Expiration>" + expiration + "</Expiration></Credentials>"
                + "<AssumedRoleUser><AssumedRoleId>AROAFAKEAWS:" + xml(session) + "</AssumedRoleId><Arn>" + xml(assumedArn)
                + "</Arn></AssumedRoleUser></AssumeRoleResult>"
                + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata></AssumeRoleResponse>";
    }

    private static String callerIdentity(SigV4Verifier.Caller caller) {
        return "<GetCallerIdentityResponse xmlns=\"" + NAMESPACE + "\"><GetCallerIdentityResult>"
                + "<Arn>" + xml(caller.identity().principalArn()) + "</Arn><UserId>FAKEAWS</UserId><Account>" + caller.account()
                + "</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>" + UUID.randomUUID()
                + "</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
    }

    private static String error(String code, String message) {
        return "<ErrorResponse xmlns=\"" + NAMESPACE + "\"><Error><Type>Sender</Type><Code>" + xml(code) + "</Code><Message>"
                + xml(message) + "</Message></Error><RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>";
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return params;
        }
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            params.put(key, equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
