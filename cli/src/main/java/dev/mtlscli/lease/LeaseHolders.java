package dev.mtlscli.lease;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Who holds a lease, as the busy line shows it to the next one: a person's run names the AWS
 * identity, the machine and the process; the scheduled rotator names itself and its execution.
 */
public final class LeaseHolders {
    private LeaseHolders() {
    }

    /** {@code <caller ARN> on <host> pid <pid>}, for a run of mtls-cli. */
    public static String command(String callerArn) {
        return callerArn + " on " + host() + " pid " + ProcessHandle.current().pid();
    }

    /** {@code scheduled rotator <execution id>}, for a run of the rotator in AWS. */
    public static String scheduledRotator(String executionId) {
        return "scheduled rotator " + executionId;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String fromEnv = System.getenv("HOSTNAME");
            return fromEnv == null || fromEnv.isBlank() ? "an unnamed host" : fromEnv;
        }
    }
}
