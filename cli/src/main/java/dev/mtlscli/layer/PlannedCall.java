package dev.mtlscli.layer;

/**
 * An AWS call a command would make, for --dry-run.
 *
 * @param when the condition under which the call is made, or null when it always is
 */
public record PlannedCall(String service, String operation, String target, String detail, String when) {
}
