package dev.mtlscli.runtime.secrets;

import dev.mtlscli.runtime.MtlsRuntimeException;
import dev.mtlscli.runtime.layer.ParameterRef;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.SsmClientBuilder;
import software.amazon.awssdk.services.ssm.model.GetParametersResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.SsmException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Store passwords from SSM Parameter Store SecureStrings, each pinned to the version the layer
 * was built for. All parameters of a function's services are fetched in one GetParameters call
 * with decryption (GetParameters takes up to 10 names, so more than 10 take one call per 10).
 */
public final class SsmPasswords implements PasswordProvider {
    static final int MAX_NAMES_PER_CALL = 10;
    /** The variable that sets the deadline of each GetParameters call, in milliseconds. */
    public static final String TIMEOUT_ENV = "MTLS_SSM_TIMEOUT_MS";
    /**
     * The SDK's socket timeouts bound each read, not the call: an endpoint that trickles its
     * answer would hold the cold start until Lambda kills the function. One deadline per call.
     */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final SsmClient ssm;
    private final Duration timeout;

    /**
     * Passwords from this client, for a caller that configures its own (another region, an
     * endpoint, credentials).
     *
     * @param ssm the client; its role needs ssm:GetParameters and kms:Decrypt for the parameters' key
     */
    public SsmPasswords(SsmClient ssm) {
        this(ssm, null);
    }

    private SsmPasswords(SsmClient ssm, Duration timeout) {
        this.ssm = ssm;
        this.timeout = timeout;
    }

    /**
     * As in Lambda: region, credentials and any endpoint from the environment (the SDK's default
     * chains), the light url-connection HTTP client, which starts faster than Apache's, and a
     * deadline per call from MTLS_SSM_TIMEOUT_MS (default 10000).
     *
     * @return passwords from the function's own region and role
     */
    public static SsmPasswords lambdaDefault() {
        return lambdaDefault(System.getenv());
    }

    static SsmPasswords lambdaDefault(Map<String, String> environment) {
        Duration timeout = TimeoutSetting.read(environment, TIMEOUT_ENV, DEFAULT_TIMEOUT);
        try {
            return new SsmPasswords(lambdaClient(timeout).build(), timeout);
        } catch (SdkClientException e) {
            // Lambda always sets AWS_REGION; this is a handler run elsewhere (a local test, a container)
            // the SDK's own message lists its provider chain object by object; the cause keeps it for --verbose traces
            throw new MtlsRuntimeException("the SSM client has no AWS region: Lambda sets AWS_REGION; elsewhere set it,"
                    + " or a region in the AWS profile", e);
        }
    }

    /** The client lambdaDefault builds, before the environment's region and credentials. */
    static SsmClientBuilder lambdaClient(Duration timeout) {
        return SsmClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.apiCallTimeout(timeout));
    }

    static SsmPasswords of(SsmClient ssm, Duration timeout) {
        return new SsmPasswords(ssm, timeout);
    }

    @Override
    public Map<ParameterRef, char[]> passwords(Collection<ParameterRef> parameters) {
        List<ParameterRef> wanted = new ArrayList<>(new LinkedHashSet<>(parameters));
        Map<ParameterRef, char[]> found = new LinkedHashMap<>();
        for (int from = 0; from < wanted.size(); from += MAX_NAMES_PER_CALL) {
            List<String> names = wanted.subList(from, Math.min(from + MAX_NAMES_PER_CALL, wanted.size()))
                    .stream().map(ParameterRef::selector).toList();
            GetParametersResponse response;
            try {
                response = ssm.getParameters(request -> request.names(names).withDecryption(true));
            } catch (SsmException e) {
                throw new MtlsRuntimeException("SSM GetParameters failed for " + names + ": "
                        + e.awsErrorDetails().errorCode() + " (does the function's role allow ssm:GetParameters and kms:Decrypt?)", e);
            } catch (ApiCallTimeoutException e) {
                // the SDK's message says nothing of where the limit is set; the answer is never quoted
                throw new MtlsRuntimeException("SSM GetParameters for " + names + " did not complete within "
                        + (timeout == null ? "the client's API call timeout" : timeout.toMillis() + " ms (" + TIMEOUT_ENV + ")")
                        + ": is the SSM endpoint (AWS_ENDPOINT_URL_SSM, a VPC endpoint) answering?", e);
            } catch (SdkClientException e) {
                // no connection is most often a function in a VPC subnet with no route to SSM
                throw new MtlsRuntimeException("SSM GetParameters for " + names + " failed before SSM answered"
                        + (causedByIo(e) ? " (no connection: a function in a VPC reaches SSM through an SSM VPC endpoint"
                        + " or a NAT gateway)" : "") + ": " + e.getMessage(), e);
            }
            if (!response.invalidParameters().isEmpty()) {
                throw new MtlsRuntimeException("SSM has no parameter version " + response.invalidParameters()
                        + " (was the layer published with these passwords?)");
            }
            for (Parameter parameter : response.parameters()) {
                // SSM answers "name:3" with Name "name" and Version 3: the same ParameterRef
                found.put(new ParameterRef(parameter.name(), parameter.version()), parameter.value().toCharArray());
            }
        }
        for (ParameterRef ref : wanted) {
            if (!found.containsKey(ref)) {
                throw new MtlsRuntimeException("SSM did not return " + ref);
            }
        }
        return found;
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
