package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.TerminalText;
import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.AwsNames;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.json.Json;
import dev.mtlscli.scheduled.DesiredState;
import dev.mtlscli.scheduled.DesiredStateTable;
import dev.mtlscli.scheduled.RotatorPropsSnippet;
import dev.mtlscli.scheduled.ScheduleExport;
import dev.mtlscli.secrets.PasswordParameters;
import dev.mtlscli.workspace.ExistingWorkspace;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * `rotate --schedule`: the service's desired state, taken from the workspace, written into the
 * rotator's state table (the lease table), and the props of the MtlsRotator construct that the
 * state needs printed for the user's CDK app.
 */
final class RotateSchedule {
    /** What the command was asked, as the options give it. */
    record Asked(String service, String layerName, String parameterPrefix, String ssmKmsKeyId, List<String> functions,
                 Map<String, String> functionTags, List<String> regions, Integer renewAtPercent, Integer jitterPercent, int canary,
                 boolean verifyInvoke, Integer pruneGraceDays, boolean dryRun) {
    }

    private final AwsSettings settings;
    private final AccountsOptions accounts;
    private final LeaseOptions lease;
    private final OutputFormat format;
    private final PrintWriter out;

    RotateSchedule(AwsSettings settings, AccountsOptions accounts, LeaseOptions lease, OutputFormat format, PrintWriter out) {
        this.settings = settings;
        this.accounts = accounts;
        this.lease = lease;
        this.format = format;
        this.out = out;
    }

    int run(ExistingWorkspace workspace, Asked asked) {
        String prefix = AwsNames.parameterPrefix(asked.parameterPrefix().replace("{service}", asked.service()));
        if (!asked.parameterPrefix().contains("{service}")) {
            PasswordParameters.prefix(asked.parameterPrefix(), asked.service(), List.of(asked.service()));
        }
        try (AwsClients home = AwsClients.connect(settings); LeaseOptions.Table table = lease.open(settings, "--schedule")) {
            GetCallerIdentityResponse caller = home.sts().getCallerIdentity();
            List<DesiredState.Target> targets = targets(home, caller.account(), asked.regions());
            DesiredState state = ScheduleExport.from(workspace, asked.service(), new ScheduleExport.Choices(
                    asked.layerName().replace("{service}", asked.service()), prefix, asked.ssmKmsKeyId(), asked.functions(),
                    asked.functionTags(), targets, asked.renewAtPercent(), asked.jitterPercent(), asked.canary(), asked.verifyInvoke(),
                    asked.pruneGraceDays()));
            DesiredStateTable states = new DesiredStateTable(table.dynamoDb(home), table.name());
            Optional<DesiredStateTable.Stored> current = states.read(asked.service());
            boolean same = current.isPresent() && current.get().state().equals(state);
            long revision = current.map(DesiredStateTable.Stored::revision).orElse(0L);
            if (!asked.dryRun() && !same) {
                revision = states.write(state, current.map(DesiredStateTable.Stored::revision).orElse(null), caller.arn(), Instant.now());
            }
            print(state, asked, table.name(), revision, same, current.isPresent());
            return ExitCodes.OK;
        }
    }

    private List<DesiredState.Target> targets(AwsClients home, String account, List<String> regions) {
        List<String> inRegions = regions.isEmpty() ? List.of(home.region().id()) : regions;
        List<String> members = accounts.any() ? accounts.others(home, account) : List.of();
        List<DesiredState.Target> targets = new ArrayList<>();
        for (String region : inRegions) {
            targets.add(new DesiredState.Target(account, region, null));
            for (String member : members) {
                targets.add(new DesiredState.Target(member, region, "arn:aws:iam::" + member + ":role/" + accounts.roleName));
            }
        }
        return targets;
    }

    private void print(DesiredState state, Asked asked, String table, long revision, boolean same, boolean existed) {
        List<String> props = RotatorPropsSnippet.lines(state, asked.parameterPrefix());
        if (format == OutputFormat.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("service", state.service());
            json.put("table", table);
            json.put("written", !asked.dryRun() && !same);
            json.put("revision", revision);
            json.put("desiredState", Json.parseObject(state.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8), "state").values());
            json.put("rotatorProps", props);
            out.println(Json.write(json));
        } else {
            String what = asked.dryRun() ? "Would write" : same ? "Unchanged:" : "Wrote";
            out.println(what + " the desired state of " + state.service() + " in " + TerminalText.escape(table)
                    + (asked.dryRun() || same ? (existed ? " (revision " + revision + ")" : "") : " as revision " + revision)
                    + ": " + state.targets().size() + " account-region(s), issuer "
                    + state.issuer().arn() + ", " + (state.pruneGraceDays() == null ? "no pruning"
                    : "prunes unused layer versions older than " + state.pruneGraceDays() + " day(s)") + ".");
            out.println("The rotator needs these props of MtlsRotator (docs/rotation-in-aws.md) in your CDK app:");
            props.forEach(line -> out.println("    " + line));
        }
        out.flush();
    }
}
