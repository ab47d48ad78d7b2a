package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.TerminalText;
import dev.mtlscli.json.Json;
import dev.mtlscli.rotation.FleetRotation;
import dev.mtlscli.rotation.MaterialStep;
import dev.mtlscli.rotation.Move;
import dev.mtlscli.rotation.RotationListener;
import dev.mtlscli.rotation.RotationOutcome;
import dev.mtlscli.rotation.RotationPlan;
import dev.mtlscli.rotation.RotationResult;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What `rotate` prints: the plan and the progress while the rotation service runs (as its
 * listener), then its outcome, in text or as JSON, and the exit code the outcome means.
 */
final class RotateOutput implements RotationListener {
    /** What the plan's text names besides the plan: how the command was asked to run it. */
    record Asked(String service, Path workspace, boolean dryRun, int canary, boolean verifyInvoke) {
    }

    private final PrintWriter out;
    private final OutputFormat format;
    private final boolean terminal;
    private final Asked asked;
    private RotationProgress progress;

    /** @param terminal stdout is a terminal: progress is one line rewritten in place */
    RotateOutput(PrintWriter out, OutputFormat format, boolean terminal, Asked asked) {
        this.out = out;
        this.format = format;
        this.terminal = terminal;
        this.asked = asked;
    }

    @Override
    public void notice(String line) {
        text(line);
    }

    @Override
    public void planned(RotationPlan plan, boolean resumed) {
        printPlan(plan);
        RotationProgress planned = new RotationProgress(format == OutputFormat.text ? out : new PrintWriter(PrintWriter.nullWriter()),
                terminal && format == OutputFormat.text, plan.moves().size());
        synchronized (this) {
            progress = planned;
        }
    }

    @Override
    public void done(String step, String detail) {
        RotationProgress current;
        synchronized (this) {
            current = progress;
        }
        if (current != null) {
            current.done(step, detail);
        }
    }

    /** Ends the progress line, if one is open; called once the service returned or threw. */
    void finish() {
        RotationProgress current;
        synchronized (this) {
            current = progress;
        }
        if (current != null) {
            current.finish();
        }
    }

    /**
     * Prints the outcome and returns the exit code it means: 3 when a person has something to do.
     *
     * @throws MtlsException for a fleet rotation not done in every account-region, after its report
     */
    int report(RotationOutcome outcome) {
        if (outcome instanceof RotationOutcome.Waiting waiting) {
            text(waiting.reason());
            json(Map.of("rotation", "waiting", "reason", waiting.reason()));
            return ExitCodes.ATTENTION;
        }
        if (outcome instanceof RotationOutcome.Planned planned) {
            printDryRunJson(planned.plan(), planned.resumed());
            return ExitCodes.OK;
        }
        if (outcome instanceof RotationOutcome.NothingToDo nothing) {
            text("Nothing to do: " + nothing.reason() + ".");
            json(Map.of("rotation", "none", "reason", nothing.reason()));
            return ExitCodes.OK;
        }
        if (outcome instanceof RotationOutcome.Done done) {
            return reportDone(done);
        }
        if (outcome instanceof RotationOutcome.AlreadyRolledBack already) {
            text("Rotation " + already.rotationId() + " was already rolled back.");
            json(Map.of("rotation", already.rotationId(), "rolledBack", List.of()));
            return ExitCodes.OK;
        }
        if (outcome instanceof RotationOutcome.RollbackPlanned planned) {
            text("Dry run: would move back the functions rotation " + planned.rotationId() + " moved (see " + planned.journal() + ").");
            return ExitCodes.OK;
        }
        if (outcome instanceof RotationOutcome.RolledBack back) {
            text("Rotation " + back.rotationId() + " rolled back: " + back.rolledBack().size() + " function(s) moved back"
                    + (back.leftAlone().isEmpty() ? "." : ", " + back.leftAlone().size() + " left alone (moved since):"));
            back.leftAlone().forEach(line -> text("  " + TerminalText.escape(line)));
            json(Map.of("rotation", back.rotationId(), "rolledBack", back.rolledBack(), "leftAlone", back.leftAlone()));
            return back.leftAlone().isEmpty() ? ExitCodes.OK : ExitCodes.ATTENTION;
        }
        if (outcome instanceof RotationOutcome.Pruned pruned) {
            text((pruned.dryRun() ? "Dry run: " : "") + pruned.deleted().size() + " version(s) deleted; SSM parameter versions are never deleted.");
            json(Map.of("deleted", pruned.deleted(), "dryRun", pruned.dryRun()));
            return ExitCodes.OK;
        }
        if (outcome instanceof RotationOutcome.FleetDone done) {
            return reportFleet(done.result(), done.journal());
        }
        if (outcome instanceof RotationOutcome.FleetRolledBack rolledBack) {
            FleetRotation.RollbackResult back = rolledBack.result();
            text("Fleet rotation rolled back: " + back.rolledBack().size() + " function(s) moved back"
                    + (back.leftAlone().isEmpty() ? "" : ", " + back.leftAlone().size() + " left alone (moved since)")
                    + ". Journal: " + rolledBack.journal());
            back.leftAlone().forEach(line -> text("  " + TerminalText.escape(line)));
            json(Map.of("rolledBack", back.rolledBack(), "leftAlone", back.leftAlone()));
            return back.leftAlone().isEmpty() ? ExitCodes.OK : ExitCodes.ATTENTION;
        }
        throw new IllegalStateException("no report for " + outcome);
    }

    private int reportDone(RotationOutcome.Done done) {
        RotationResult result = done.result();
        text("Rotation " + result.rotationId() + " done: " + result.moved().size() + " function(s) moved to "
                + result.targetArn() + (result.alreadyDone().isEmpty() ? "" : ", " + result.alreadyDone().size() + " already there")
                + ". Journal: " + done.journal());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rotation", result.rotationId());
        json.put("resumed", result.resumed());
        json.put("layerVersionArn", result.targetArn());
        json.put("moved", result.moved());
        json.put("alreadyDone", result.alreadyDone());
        json.put("materialStep", done.materialStep().name());
        json(json);
        return afterCaStep(done.materialStep());
    }

    /** The next step of a CA rollover is a person's: say which, and exit 3. */
    private int afterCaStep(MaterialStep step) {
        String service = asked.service();
        Path servers = asked.workspace().resolve("servers").resolve(service);
        String message = switch (step) {
            case CA_PREPARE -> "The functions now trust server certificates of the old and the new CA of " + service + ". "
                    + "Give the backend owner " + servers.resolve("client-ca.crt")
                    + " (both CAs), then run: mtls-cli rotate --service " + service + " --new-ca --backend-trusts-new-ca";
            case CA_ISSUE -> "The functions now present certificates of the new CA. Deploy the backend's new server certificate from "
                    + servers + "; once every consumer is on the new material, run: "
                    + "mtls-cli rotate --service " + service + " --complete-ca-rollover";
            default -> null;
        };
        if (message == null) {
            return ExitCodes.OK;
        }
        if (format == OutputFormat.text) {
            out.println(message);
        }
        out.flush();
        return ExitCodes.ATTENTION;
    }

    private int reportFleet(FleetRotation.Result result, Path journal) {
        text("Fleet rotation " + result.rotationId() + (result.resumed() ? " (resumed)" : "") + ": "
                + result.moved().size() + " function(s) moved, " + result.alreadyDone().size() + " already done, in "
                + String.join(", ", result.published().keySet()) + ". Journal: " + journal);
        result.notDone().forEach((where, why) -> text("  NOT DONE " + where + ": " + TerminalText.escape(why)));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rotation", result.rotationId());
        json.put("resumed", result.resumed());
        json.put("planned", result.planned());
        json.put("published", result.published());
        json.put("moved", result.moved().stream().map(m -> m.account() + "/" + m.region() + "/" + m.functionName()).toList());
        json.put("alreadyDone", result.alreadyDone().size());
        json.put("notDone", result.notDone());
        json(json);
        if (!result.complete()) {
            throw new MtlsException("not done in " + String.join(", ", result.notDone().keySet())
                    + "; fix the cause and run rotate again to finish (the rest is done)");
        }
        return ExitCodes.OK;
    }

    private void printPlan(RotationPlan plan) {
        if (format != OutputFormat.text) {
            return;
        }
        out.println((asked.dryRun() ? "Dry run: " : "") + "rotation of " + asked.service() + " (layer " + plan.layerName()
                + ", newest " + plan.currentArn() + ")");
        out.println("  why: " + plan.reason());
        out.println("  workspace: " + switch (plan.materialStep()) {
            case NONE -> "unchanged";
            case RENEW -> "new client key, certificate and keystore password";
            case CA_PREPARE -> "new CA beside the old one; truststore and backend client-CA bundle with both";
            case CA_ISSUE -> "client and backend server certificates from the new CA";
            case CA_COMPLETE -> "old CA dropped from the truststore and the backend bundle";
        });
        if (plan.materialStep() != MaterialStep.NONE) {
            out.println("  publish: a new version of " + plan.layerName() + " (passwords as new SSM versions under "
                    + plan.parameterPrefix() + ", " + plan.grants().size() + " grant(s) as now)");
        }
        int canary = asked.canary();
        out.println("  move: " + plan.moves().size() + " function(s)" + (canary > 0 ? ", " + Math.min(canary, plan.moves().size())
                + " first as canaries" : "") + (asked.verifyInvoke() ? ", each verified by an invocation" : ""));
        for (Move move : plan.moves()) {
            out.println("    " + move.functionName() + " (on " + move.fromArn() + ")");
        }
        out.flush();
    }

    private void printDryRunJson(RotationPlan plan, boolean resumed) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dryRun", true);
        json.put("rotation", plan.rotationId());
        json.put("resumed", resumed);
        json.put("layerName", plan.layerName());
        json.put("currentVersion", plan.currentArn());
        json.put("materialStep", plan.materialStep().name());
        json.put("reason", plan.reason());
        json.put("functions", plan.moves().stream().map(m -> Map.of("function", m.functionName(), "from", m.fromArn())).toList());
        json(json);
    }

    private void text(String line) {
        if (format == OutputFormat.text) {
            out.println(line);
            out.flush();
        }
    }

    private void json(Map<String, ?> json) {
        if (format == OutputFormat.json) {
            out.println(Json.write(json));
            out.flush();
        }
    }
}
