package dev.mtlscli.rotation;

/** What a rotation does to the workspace before it publishes (DESIGN.md decision 7 for the CA steps). */
public enum MaterialStep {
    /** The newest layer version is good; only functions on older versions are moved. */
    NONE,
    /** A new client key, certificate and keystore password from the current CA. */
    RENEW,
    /** A new CA next to the current one: truststore and backend client-CA bundle hold both. */
    CA_PREPARE,
    /** Client (and backend server) certificates from the new CA, once the backend trusts it. */
    CA_ISSUE,
    /** The old CA is dropped: truststore and bundle hold only the new one. */
    CA_COMPLETE
}
