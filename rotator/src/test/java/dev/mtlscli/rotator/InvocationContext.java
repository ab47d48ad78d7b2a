package dev.mtlscli.rotator;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

import java.util.function.IntSupplier;

/** The part of Lambda's invocation context the handler reads: the time left, as the runtime would count it down. */
final class InvocationContext implements Context {
    private final IntSupplier remainingMillis;

    InvocationContext(IntSupplier remainingMillis) {
        this.remainingMillis = remainingMillis;
    }

    /** A fresh invocation of the construct's 10-minute function. */
    static InvocationContext fresh() {
        return new InvocationContext(() -> 600_000);
    }

    @Override
    public int getRemainingTimeInMillis() {
        return remainingMillis.getAsInt();
    }

    @Override
    public String getAwsRequestId() {
        return "test-request";
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/mtls-rotator";
    }

    @Override
    public String getLogStreamName() {
        return "test";
    }

    @Override
    public String getFunctionName() {
        return "mtls-rotator";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:eu-west-1:123456789012:function:mtls-rotator";
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
        return null;
    }
}
