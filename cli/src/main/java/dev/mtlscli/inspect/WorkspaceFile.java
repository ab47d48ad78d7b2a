package dev.mtlscli.inspect;

/**
 * One file of a workspace as `certs inspect` found it; its report's path is relative to the
 * workspace. keyOf names the certificate file a private key file was checked against (ca.crt for
 * ca.key, server.crt for server.key), null for every other file.
 */
public record WorkspaceFile(InspectionReport report, String keyOf) {
}
