package dev.mtlscli.fakeaws;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who calls KMS, as a key policy's {@code Principal.AWS} names it: the caller's own ARN, the role
 * of an assumed-role session, its account (as {@code arn:aws:iam::A:root} or the bare account
 * id), or anyone ({@code *}).
 *
 * <p>A policy naming the account root delegates to the account's IAM policies in real KMS; the
 * fake has no IAM policies and lets every principal of that account through, which is what an
 * account whose IAM grants KMS to its admins looks like from the key's side.
 */
record KmsCaller(String arn, String account) {
    private static final Pattern ASSUMED_ROLE = Pattern.compile("arn:aws:sts::(\\d{12}):assumed-role/([^/]+)/.+");

    static KmsCaller of(SigV4Verifier.Caller caller) {
        return new KmsCaller(caller.identity().principalArn(), caller.account());
    }

    /** Whether {@code principal}, one value of a statement's Principal.AWS, names this caller. */
    boolean isNamedBy(String principal) {
        if (principal.equals("*") || principal.equals(arn) || principal.equals(account)
                || principal.equals("arn:aws:iam::" + account + ":root")) {
            return true;
        }
        Matcher assumed = ASSUMED_ROLE.matcher(arn);
        if (!assumed.matches()) {
            return false;
        }
        // a role ARN may carry a path (role/path/NAME); the session ARN names the role without it
        String rolePrefix = "arn:aws:iam::" + assumed.group(1) + ":role/";
        return principal.startsWith(rolePrefix)
                && (principal.equals(rolePrefix + assumed.group(2)) || principal.endsWith("/" + assumed.group(2)));
    }
}
