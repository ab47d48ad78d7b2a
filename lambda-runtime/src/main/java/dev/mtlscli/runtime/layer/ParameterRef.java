package dev.mtlscli.runtime.layer;

import dev.mtlscli.runtime.MtlsRuntimeException;

/**
 * An SSM parameter pinned to one version, written "/mtls/service-1/keystore-password:3", the
 * selector GetParameters accepts. Pinning is what lets a function on an old layer version keep
 * reading the password that matches its keystore while a rotation publishes a new one.
 *
 * @param name    the parameter's name, a path such as /mtls/service-1/keystore-password
 * @param version the parameter's version, 1 or more
 */
public record ParameterRef(String name, long version) {

    /**
     * Checks the name and version.
     *
     * @param name    the parameter's name: starts with "/", holds no ":"
     * @param version the parameter's version, 1 or more
     * @throws MtlsRuntimeException when either is invalid
     */
    public ParameterRef {
        if (name == null || !name.startsWith("/") || name.contains(":")) {
            throw new MtlsRuntimeException("invalid SSM parameter name '" + name + "' (a path such as /mtls/service-1/keystore-password)");
        }
        if (version < 1) {
            throw new MtlsRuntimeException("invalid version " + version + " of SSM parameter " + name);
        }
    }

    /**
     * Reads a NAME:VERSION selector, as a manifest names its passwords.
     *
     * @param selector such as /mtls/service-1/keystore-password:3
     * @return the parameter and its version
     * @throws MtlsRuntimeException when there is no numeric version, or the name is invalid
     */
    public static ParameterRef parse(String selector) {
        int colon = selector == null ? -1 : selector.lastIndexOf(':');
        if (colon <= 0) {
            throw new MtlsRuntimeException("SSM parameter '" + selector + "' has no version (expected NAME:VERSION)");
        }
        try {
            return new ParameterRef(selector.substring(0, colon), Long.parseLong(selector.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new MtlsRuntimeException("SSM parameter '" + selector + "' has no numeric version (expected NAME:VERSION)");
        }
    }

    /**
     * The GetParameters selector.
     *
     * @return NAME:VERSION
     */
    public String selector() {
        return name + ":" + version;
    }

    @Override
    public String toString() {
        return selector();
    }
}
