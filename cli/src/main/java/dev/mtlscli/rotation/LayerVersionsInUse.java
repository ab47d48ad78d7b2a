package dev.mtlscli.rotation;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsClients;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The layer versions used by the functions of other accounts of a region, read through the role
 * of each (ListFunctions, all pages). A layer version of the publishing account may be used by
 * the functions of the accounts it was granted to, which the publishing account's own
 * ListFunctions does not see; pruning keeps those too. Every account is read or none counts: an
 * account that cannot be read may use any version, so the caller prunes nothing.
 */
public final class LayerVersionsInUse {
    /** An account of the region, reached by assuming {@code roleName} there. */
    public record Account(String account, String roleName) {
    }

    private LayerVersionsInUse() {
    }

    /**
     * @param here the clients of the region, in the account whose credentials assume the roles
     * @throws MtlsException naming the first account-region that could not be read
     */
    public static Set<String> inAccounts(AwsClients here, List<Account> accounts) {
        Set<String> inUse = new HashSet<>();
        for (Account account : accounts) {
            try (AwsClients there = here.inAccount(account.account(), account.roleName())) {
                for (FunctionLayers function : FunctionInventory.read(there.lambda())) {
                    inUse.addAll(function.layerArns());
                }
            } catch (RuntimeException e) {
                throw new MtlsException("the functions of " + account.account() + "/" + here.region().id() + " could not be read through "
                        + "role " + account.roleName() + ", so no layer version is known to be unused there: " + e.getMessage());
            }
        }
        return inUse;
    }
}
