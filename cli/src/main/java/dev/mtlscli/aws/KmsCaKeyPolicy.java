package dev.mtlscli.aws;

import dev.mtlscli.MtlsException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key policy of a CA's KMS key. The account administers the key (its IAM policies decide
 * who, as with KMS's default policy) but that statement does not allow kms:Sign, nor
 * kms:CreateGrant, through which a grant could allow it: only the principals named in the
 * signing statement can sign certificates, each of them visible in the policy.
 */
public final class KmsCaKeyPolicy {
    /** Administration without kms:Sign, kms:Verify or kms:CreateGrant. */
    static final List<String> ADMINISTRATION = List.of(
            "kms:Describe*", "kms:List*", "kms:Get*", "kms:PutKeyPolicy", "kms:CreateAlias", "kms:UpdateAlias",
            "kms:DeleteAlias", "kms:UpdateKeyDescription", "kms:EnableKey", "kms:DisableKey", "kms:TagResource",
            "kms:UntagResource", "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion");
    /** What a signer needs: sign, and read the key and its public key to check what it signs. */
    public static final List<String> SIGNING = List.of("kms:Sign", "kms:GetPublicKey", "kms:DescribeKey");

    private static final Pattern ROLE_ARN = Pattern.compile("arn:(aws[a-z-]*):iam::(\\d{12}):role/(.+)");
    private static final Pattern ASSUMED_ROLE = Pattern.compile("arn:(aws[a-z-]*):sts::(\\d{12}):assumed-role/([^/]+)/.+");
    private static final Pattern CALLER = Pattern.compile("arn:(aws[a-z-]*):(iam|sts)::(\\d{12}):.+");

    private KmsCaKeyPolicy() {
    }

    /** A --signer-role: the ARN of an IAM role, checked. */
    public static String signerRole(String arn) {
        Matcher matcher = ROLE_ARN.matcher(arn == null ? "" : arn);
        if (!matcher.matches()) {
            throw new MtlsException("invalid --signer-role '" + arn + "': expected the ARN of an IAM role, arn:aws:iam::ACCOUNT:role/NAME");
        }
        AwsNames.roleName(matcher.group(3));
        return arn;
    }

    /**
     * The principal a key policy names for the caller STS GetCallerIdentity describes: an
     * assumed-role session is its role (a session ARN cannot be a policy principal), anything
     * else itself. The session ARN does not carry the role's path; a role with a path must be
     * named with --signer-role instead.
     */
    public static String callerPrincipal(String callerArn) {
        Matcher assumed = ASSUMED_ROLE.matcher(callerArn);
        if (assumed.matches()) {
            return "arn:" + assumed.group(1) + ":iam::" + assumed.group(2) + ":role/" + assumed.group(3);
        }
        if (!CALLER.matcher(callerArn).matches()) {
            throw new MtlsException("STS GetCallerIdentity answered '" + callerArn + "', which is not the ARN of an IAM principal");
        }
        return callerArn;
    }

    /** The account of the caller's ARN. */
    public static String account(String callerArn) {
        Matcher matcher = CALLER.matcher(callerArn);
        if (!matcher.matches()) {
            throw new MtlsException("STS GetCallerIdentity answered '" + callerArn + "', which is not the ARN of an IAM principal");
        }
        return matcher.group(3);
    }

    /**
     * The policy document.
     *
     * @param callerArn   the caller as STS names it; it signs the root, so it is a signer too
     * @param signerRoles the --signer-role ARNs
     */
    public static Map<String, Object> document(String service, String callerArn, List<String> signerRoles) {
        String partition = callerArn.split(":")[1];
        Set<String> signers = new LinkedHashSet<>();
        signers.add(callerPrincipal(callerArn));
        signerRoles.forEach(role -> signers.add(signerRole(role)));

        Map<String, Object> administration = new LinkedHashMap<>();
        administration.put("Sid", "AccountAdministersWithoutSigning");
        administration.put("Effect", "Allow");
        administration.put("Principal", Map.of("AWS", "arn:" + partition + ":iam::" + account(callerArn) + ":root"));
        administration.put("Action", ADMINISTRATION);
        administration.put("Resource", "*");
        Map<String, Object> signing = new LinkedHashMap<>();
        signing.put("Sid", "CertificateSigning");
        signing.put("Effect", "Allow");
        signing.put("Principal", Map.of("AWS", new ArrayList<>(signers)));
        signing.put("Action", SIGNING);
        signing.put("Resource", "*");

        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("Version", "2012-10-17");
        policy.put("Id", "mtls-cli-ca-" + service);
        policy.put("Statement", List.of(administration, signing));
        return policy;
    }
}
