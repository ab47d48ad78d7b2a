package dev.mtlscli.rotation;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.aws.LayerVersionArn;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Moves one function to another version of a layer: reads its configuration, replaces only that
 * layer's ARN (every other layer and the order stay), updates with the revision it read, and
 * waits until Lambda reports the update Successful. Reads use GetFunction, whose quota (100/s)
 * is its own, so polling does not eat into the 15/s that UpdateFunctionConfiguration shares
 * with the rest of the control plane. An update already in progress
 * (ResourceConflictException, or InProgress when read) is waited out with the SDK's waiter, and
 * a configuration changed under us (PreconditionFailedException) is read again: both are states
 * of the function, not errors. Throttling is the SDK's retry strategy's business.
 */
public final class FunctionMover {
    /** Each state wait is one waiter run; a function that stays busy longer than this is reported. */
    private static final int MAX_STATE_WAITS = 10;

    private final LambdaClient lambda;
    private final WaiterOverrideConfiguration waiting;

    public FunctionMover(LambdaClient lambda, Duration firstPoll, Duration longestPoll, Duration maxWait) {
        this.lambda = lambda;
        this.waiting = WaiterOverrideConfiguration.builder()
                .backoffStrategyV2(BackoffStrategy.exponentialDelayHalfJitter(firstPoll, longestPoll))
                .maxAttempts(Integer.MAX_VALUE)
                .waitTimeout(maxWait)
                .build();
    }

    /**
     * Production polling: the first poll 25 to 50 ms after the update (a layer-only update is
     * often done by then), then backing off to 3 s.
     */
    public static FunctionMover withDefaultPolling(LambdaClient lambda) {
        return new FunctionMover(lambda, Duration.ofMillis(25), Duration.ofSeconds(3), Duration.ofMinutes(10));
    }

    /**
     * @return the version the function was on, or empty when it already had the target
     * @throws MtlsException when the function no longer has the layer, or its update failed
     */
    public Optional<LayerVersionArn> move(String functionName, LayerVersionArn target) {
        LayerVersionArn found = moveIfOn(functionName, null, target);
        return found.version() == target.version() ? Optional.empty() : Optional.of(found);
    }

    /**
     * Moves the function to the target only while it is on the expected version (any version
     * when expected is null), read live from one GetFunction: a rollback must not move a
     * function a newer rotation, or a person, has since put elsewhere.
     *
     * @return the version the function was found on: the target when it was already there, the
     * expected one when it was moved, any other when it was left alone
     */
    public LayerVersionArn moveIfOn(String functionName, LayerVersionArn expected, LayerVersionArn target) {
        for (int attempt = 0; attempt < MAX_STATE_WAITS; attempt++) {
            FunctionConfiguration config = read(functionName);
            if (config.lastUpdateStatus() == LastUpdateStatus.IN_PROGRESS) {
                waitUntilUpdated(functionName);
                continue;
            }
            FunctionLayers layers = FunctionInventory.of(config);
            LayerVersionArn current = layers.versionOf(target.layerArn()).orElseThrow(() -> new MtlsException(
                    "function " + functionName + " no longer uses layer " + target.layerArn()));
            if (current.version() == target.version() || (expected != null && current.version() != expected.version())) {
                return current;
            }
            List<String> updated = layers.withVersion(target);
            UpdateFunctionConfigurationResponse response;
            try {
                response = lambda.updateFunctionConfiguration(b -> b.functionName(functionName).layers(updated)
                        .revisionId(config.revisionId()));
            } catch (ResourceConflictException | PreconditionFailedException busyOrChanged) {
                waitUntilUpdated(functionName);
                continue;
            } catch (SdkException e) {
                throw AwsCalls.failure(AwsService.LAMBDA, "UpdateFunctionConfiguration " + functionName, e);
            }
            if (response.lastUpdateStatus() != LastUpdateStatus.SUCCESSFUL) {
                FunctionConfiguration done = waitUntilUpdated(functionName);
                if (done.lastUpdateStatus() != LastUpdateStatus.SUCCESSFUL) {
                    throw new MtlsException("the update of function " + functionName + " ended " + done.lastUpdateStatusAsString()
                            + (done.lastUpdateStatusReason() == null ? "" : ": " + done.lastUpdateStatusReason()));
                }
            }
            return current;
        }
        throw new MtlsException("function " + functionName + " stayed busy with other updates; try again later");
    }

    /**
     * The function's layers as Lambda reports them now, for a journal line that must say where a
     * function is after something went wrong; never throws.
     */
    public String describeLayers(String functionName) {
        try {
            return String.join(" ", FunctionInventory.of(read(functionName)).layerArns());
        } catch (RuntimeException e) {
            return "unknown (GetFunction failed: " + e.getMessage() + ")";
        }
    }

    /** Whether a layer version still exists; a rollback cannot go back to one that was deleted. */
    public boolean exists(LayerVersionArn version) {
        try {
            lambda.getLayerVersionByArn(b -> b.arn(version.arn()));
            return true;
        } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
            return false;
        } catch (SdkException e) {
            throw AwsCalls.failure(AwsService.LAMBDA, "GetLayerVersionByArn " + version.arn(), e);
        }
    }

    /**
     * Invokes the function (RequestResponse) with the payload and says why it failed, or empty
     * when it answered without a function error.
     */
    public Optional<String> verify(String functionName, String payload) {
        InvokeResponse response = AwsCalls.call(AwsService.LAMBDA, "Invoke " + functionName,
                () -> lambda.invoke(b -> b.functionName(functionName).payload(SdkBytes.fromUtf8String(payload))));
        if (response.functionError() == null && response.statusCode() != null && response.statusCode() / 100 == 2) {
            return Optional.empty();
        }
        String body = response.payload() == null ? "" : response.payload().asString(StandardCharsets.UTF_8);
        return Optional.of((response.functionError() == null ? "HTTP " + response.statusCode() : response.functionError())
                + (body.isBlank() ? "" : ": " + body.replaceAll("\\s+", " ").trim()));
    }

    /** Waits (the SDK's FunctionUpdatedV2 waiter, on GetFunction) until the last update is no longer InProgress. */
    private FunctionConfiguration waitUntilUpdated(String functionName) {
        try {
            var result = lambda.waiter().waitUntilFunctionUpdatedV2(b -> b.functionName(functionName), o -> o
                    .backoffStrategyV2(waiting.backoffStrategyV2().orElseThrow())
                    .maxAttempts(Integer.MAX_VALUE)
                    .waitTimeout(waiting.waitTimeout().orElseThrow()));
            return result.matched().response().map(GetFunctionResponse::configuration).orElseGet(() -> read(functionName));
        } catch (SdkException e) {
            // the waiter's failure state (LastUpdateStatus Failed) ends here too: read what it is
            FunctionConfiguration config = read(functionName);
            if (config.lastUpdateStatus() == LastUpdateStatus.IN_PROGRESS) {
                throw AwsCalls.failure(AwsService.LAMBDA, "waiting for the update of " + functionName, e);
            }
            return config;
        }
    }

    private FunctionConfiguration read(String functionName) {
        return AwsCalls.call(AwsService.LAMBDA, "GetFunction " + functionName,
                () -> lambda.getFunction(b -> b.functionName(functionName)).configuration());
    }
}
