package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.AwsNames;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;

/** The accounts a fleet command reaches besides the caller's, and the role it assumes in each (status, rotate). */
public final class AccountsOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--accounts", paramLabel = "ID[,ID...]",
            description = "Also these accounts (comma-separated), each through --role-name assumed there.")
    List<String> accounts = new ArrayList<>();

    @Option(names = "--organization", description = "Also every active account of the caller's AWS Organization (Organizations ListAccounts).")
    boolean organization;

    @Option(names = "--role-name", paramLabel = "NAME",
            description = "The IAM role assumed (STS AssumeRole) in each account of --accounts or --organization; "
                    + "with its path if it has one, e.g. ops/mtls-rotator.")
    String roleName;

    boolean any() {
        return !accounts.isEmpty() || organization;
    }

    /** Refuses what cannot work before any call. */
    void check() {
        if (any() && roleName == null) {
            throw new MtlsException("--accounts and --organization need --role-name: the role mtls-cli assumes in each account");
        }
        if (!accounts.isEmpty() && organization) {
            throw new MtlsException("give --accounts or --organization, not both");
        }
        accounts = new ArrayList<>(CommaSeparated.elements(command.commandLine(), "--accounts", accounts));
        accounts.forEach(AwsNames::accountId);
        if (roleName != null) {
            roleName = AwsNames.roleName(roleName);
        }
    }

    /** The other accounts: those named, or the organization's active ones; never the caller's own. */
    List<String> others(AwsClients clients, String ownAccount) {
        List<String> others = new ArrayList<>(accounts);
        if (organization) {
            clients.organizations().listAccountsPaginator(b -> { }).stream()
                    .flatMap(page -> page.accounts().stream())
                    .filter(account -> account.statusAsString() == null || "ACTIVE".equals(account.statusAsString()))
                    .forEach(account -> others.add(account.id()));
        }
        others.removeIf(ownAccount::equals);
        return others;
    }
}
