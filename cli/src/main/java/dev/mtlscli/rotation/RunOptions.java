package dev.mtlscli.rotation;

/**
 * How to move the functions of a rotation.
 *
 * @param canary        move and verify this many functions first, then the rest
 * @param concurrency   functions moved at the same time (Lambda's control plane allows about 15
 *                      mutating requests per second per region)
 * @param verifyPayload invoke each moved function with this payload and require success, or null
 */
public record RunOptions(int canary, int concurrency, String verifyPayload) {
    public static final int DEFAULT_CONCURRENCY = 8;

    public RunOptions {
        if (canary < 0) {
            throw new IllegalArgumentException("canary must be 0 or more");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
    }
}
