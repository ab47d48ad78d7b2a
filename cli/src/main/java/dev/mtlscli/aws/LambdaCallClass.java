package dev.mtlscli.aws;

/**
 * The Lambda quota a call counts against, per account and region (Lambda developer guide,
 * "Lambda quotas", "Lambda API requests"): GetFunction has 100 requests per second of its own,
 * GetPolicy 15 of its own, and every other control-plane operation (UpdateFunctionConfiguration,
 * GetFunctionConfiguration, ListFunctions, the layer operations...) shares 15 per second. None can
 * be increased. Invocations are data plane, bounded by concurrency instead.
 */
public enum LambdaCallClass {
    GET_FUNCTION(100),
    GET_POLICY(15),
    CONTROL_PLANE(15),
    INVOCATION(0);

    private final int quotaPerSecond;

    LambdaCallClass(int quotaPerSecond) {
        this.quotaPerSecond = quotaPerSecond;
    }

    /** @param operation the service model's operation name, e.g. {@code UpdateFunctionConfiguration} */
    public static LambdaCallClass of(String operation) {
        return switch (operation) {
            case "Invoke", "InvokeAsync", "InvokeWithResponseStream" -> INVOCATION;
            case "GetFunction" -> GET_FUNCTION;
            case "GetPolicy" -> GET_POLICY;
            default -> CONTROL_PLANE;
        };
    }

    /** Lambda's quota for the class, in requests per second; 0 for invocations, which have none of this kind. */
    public int quotaPerSecond() {
        return quotaPerSecond;
    }
}
