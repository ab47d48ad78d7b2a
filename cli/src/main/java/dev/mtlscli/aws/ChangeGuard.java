package dev.mtlscli.aws;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Runs a check before every SDK call that may change something (any operation but Get*, List*
 * and Describe*), on the clients it is added to: a rotation holding a lease confirms it there, so
 * that no change of any step (publish, put parameter, update function, roll back, prune, invoke)
 * goes out once the lease is lost. The check throws to stop the call before it is sent.
 */
final class ChangeGuard implements ExecutionInterceptor {
    private final Runnable beforeChange;

    ChangeGuard(Runnable beforeChange) {
        this.beforeChange = beforeChange;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (!isRead(operation)) {
            beforeChange.run();
        }
    }

    static boolean isRead(String operation) {
        return operation != null && (operation.startsWith("Get") || operation.startsWith("List") || operation.startsWith("Describe"));
    }
}
