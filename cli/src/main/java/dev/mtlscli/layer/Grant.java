package dev.mtlscli.layer;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsNames;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Who may use a layer version (AddLayerVersionPermission): one account, every account of an
 * organization, or everyone. The statement id is derived from the grantee, so a re-run finds
 * the statement it added before instead of adding a second one.
 */
public record Grant(Kind kind, String grantee) {
    public static final String ACTION = "lambda:GetLayerVersion";
    private static final String STATEMENT_PREFIX = "mtls-cli-";

    public enum Kind { ACCOUNT, ORGANIZATION, PUBLIC }

    public String statementId() {
        return switch (kind) {
            case ACCOUNT -> STATEMENT_PREFIX + "account-" + grantee;
            case ORGANIZATION -> STATEMENT_PREFIX + "org-" + grantee;
            case PUBLIC -> STATEMENT_PREFIX + "public";
        };
    }

    /** The Principal of the statement: the account, or "*" (limited by OrganizationId for an organization). */
    public String principal() {
        return kind == Kind.ACCOUNT ? grantee : "*";
    }

    public String organizationId() {
        return kind == Kind.ORGANIZATION ? grantee : null;
    }

    public String describe() {
        return switch (kind) {
            case ACCOUNT -> "account " + grantee;
            case ORGANIZATION -> "organization " + grantee;
            case PUBLIC -> "everyone (public)";
        };
    }

    /**
     * The grants asked for on the command line. "*" as an account means every AWS account, which
     * is refused unless allowPublic: a layer holds a private key, and a mistyped grant must not
     * publish it to the world.
     */
    public static List<Grant> of(List<String> accounts, List<String> organizations, boolean allowPublic) {
        LinkedHashSet<Grant> grants = new LinkedHashSet<>();
        for (String account : accounts) {
            if ("*".equals(account)) {
                if (!allowPublic) {
                    throw new MtlsException("refusing to grant the layer to every AWS account ('*'): it holds a private key. "
                            + "Name accounts or an organization, or pass --allow-public if you really mean it");
                }
                grants.add(new Grant(Kind.PUBLIC, "*"));
            } else {
                grants.add(new Grant(Kind.ACCOUNT, AwsNames.accountId(account)));
            }
        }
        for (String organization : organizations) {
            grants.add(new Grant(Kind.ORGANIZATION, AwsNames.organizationId(organization)));
        }
        return new ArrayList<>(grants);
    }
}
