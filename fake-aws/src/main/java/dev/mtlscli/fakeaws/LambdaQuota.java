package dev.mtlscli.fakeaws;

import java.util.Optional;

/**
 * Lambda's request-rate quotas on the control plane, per account and region, as the Lambda
 * developer guide lists them ("Lambda quotas", section "Lambda API requests"): GetFunction has
 * 100 requests per second of its own, GetPolicy 15 of its own, and every other control-plane
 * operation shares 15 per second ("15 requests per second across all APIs (not 15 requests per
 * second per API)"). None can be increased. Invocations are not control-plane calls; their limit is
 * concurrency, which the fake does not model.
 */
enum LambdaQuota {
    GET_FUNCTION("GetFunction API requests", 100),
    GET_POLICY("GetPolicy API requests", 15),
    CONTROL_PLANE("Remainder of the control plane API requests", 15);

    private final String quotaName;
    private final int perSecond;

    LambdaQuota(String quotaName, int perSecond) {
        this.quotaName = quotaName;
        this.perSecond = perSecond;
    }

    /** The quota an operation counts against; empty for an invocation. */
    static Optional<LambdaQuota> of(String operation) {
        return switch (operation) {
            case "Invoke", "InvokeAsync", "InvokeWithResponseStream" -> Optional.empty();
            case "GetFunction" -> Optional.of(GET_FUNCTION);
            case "GetPolicy" -> Optional.of(GET_POLICY);
            default -> Optional.of(CONTROL_PLANE);
        };
    }

    /** The quota's name in the developer guide. */
    String quotaName() {
        return quotaName;
    }

    int perSecond() {
        return perSecond;
    }
}
