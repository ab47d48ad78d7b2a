package dev.mtlscli.fakeaws;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The IAM roles of the fake's accounts, as far as STS AssumeRole needs them: a role exists in
 * an account and trusts some accounts to assume it. Every account of the fake's organization
 * is listed by Organizations ListAccounts.
 */
public final class FakeIam {
    private final Map<String, Set<String>> trustedByRole = new ConcurrentHashMap<>();

    /** Creates arn:aws:iam::ACCOUNT:role/NAME, trusting {@code trustedAccount} to assume it. */
    public void createRole(String account, String roleName, String trustedAccount) {
        trustedByRole.computeIfAbsent(roleArn(account, roleName), arn -> ConcurrentHashMap.newKeySet()).add(trustedAccount);
    }

    public void deleteRole(String account, String roleName) {
        trustedByRole.remove(roleArn(account, roleName));
    }

    boolean mayAssume(String roleArn, String callerAccount) {
        Set<String> trusted = trustedByRole.get(roleArn);
        return trusted != null && trusted.contains(callerAccount);
    }

    public static String roleArn(String account, String roleName) {
        return "arn:aws:iam::" + account + ":role/" + roleName;
    }
}
