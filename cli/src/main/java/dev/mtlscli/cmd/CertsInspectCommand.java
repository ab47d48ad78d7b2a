package dev.mtlscli.cmd;

import dev.mtlscli.TerminalText;
import dev.mtlscli.inspect.CertificateReport;
import dev.mtlscli.inspect.EntryReport;
import dev.mtlscli.inspect.InspectionReport;
import dev.mtlscli.inspect.StoreInspector;
import dev.mtlscli.inspect.WorkspaceFile;
import dev.mtlscli.inspect.WorkspaceInspector;
import dev.mtlscli.inspect.WorkspaceReport;
import dev.mtlscli.json.Json;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "inspect",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Show the certificates in a PEM, PKCS12 or JKS file: names, usages, keys, validity, fingerprints,",
                "whether each chain verifies and whether each private key matches its certificate.",
                "Given a workspace (from certs create or certs import), shows every file of it, opening its stores",
                "with the passwords in its passwords.json.",
                "Exits with 3 when a certificate expires within --warn-days."
        })
public final class CertsInspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Parameters(paramLabel = "PATH", description = "The file to inspect, or a workspace directory.")
    Path path;

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "Password of a store or an encrypted key (never on the command line):%n")
    PasswordSource.Options password;

    @Option(names = "--warn-days", paramLabel = "DAYS", defaultValue = "30",
            description = "Exit with 3 when a certificate expires within DAYS days (default: ${DEFAULT-VALUE}).")
    int warnDays;

    @Override
    public Integer call() {
        if (warnDays < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--warn-days must be 0 or more, not " + warnDays);
        }
        if (Files.isDirectory(path)) {
            return inspectWorkspace();
        }
        InspectionReport report = StoreInspector.inspect(path, PasswordSource.read(password), Instant.now());
        PrintWriter out = spec.commandLine().getOut();
        boolean attention = report.needsAttention(warnDays);
        if (global.output == OutputFormat.json) {
            Map<String, Object> json = toJson(report);
            json.put("warnDays", warnDays);
            json.put("needsAttention", attention);
            out.println(Json.write(json));
            out.flush();
        } else {
            printText(out, report, null);
        }
        return attention ? ExitCodes.ATTENTION : ExitCodes.OK;
    }

    private int inspectWorkspace() {
        if (password != null) {
            // one password cannot open a workspace's stores, and which of them it was meant for is a guess
            throw new CommandLine.ParameterException(spec.commandLine(), "--password-file, --password-env and --password-stdin"
                    + " are for a single file; the stores of workspace " + path + " open with the passwords in its passwords.json");
        }
        WorkspaceReport report = WorkspaceInspector.inspect(path, Instant.now());
        List<WorkspaceFile> attention = report.needingAttention(warnDays);
        PrintWriter out = spec.commandLine().getOut();
        if (global.output == OutputFormat.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("workspace", report.directory());
            json.put("storeType", report.storeType());
            json.put("services", report.services());
            List<Object> files = new ArrayList<>();
            for (WorkspaceFile file : report.files()) {
                Map<String, Object> node = toJson(file.report());
                if (file.keyOf() != null) {
                    node.put("keyOf", file.keyOf());
                }
                node.put("needsAttention", attention.contains(file));
                files.add(node);
            }
            json.put("files", files);
            json.put("warnDays", warnDays);
            json.put("needsAttention", !attention.isEmpty());
            out.println(Json.write(json));
        } else {
            out.printf("workspace %s (%s; services %s)%n", TerminalText.escape(report.directory()), report.storeType(),
                    String.join(", ", report.services()));
            for (WorkspaceFile file : report.files()) {
                out.println();
                printText(out, file.report(), file.keyOf());
            }
            out.println();
            out.println(attention.isEmpty()
                    ? report.files().size() + " files, none needs attention (--warn-days " + warnDays + ")"
                    : attention.size() + " of " + report.files().size() + " files " + (attention.size() == 1 ? "needs" : "need")
                    + " attention (--warn-days " + warnDays + "): "
                    + String.join(", ", attention.stream().map(file -> file.report().path()).toList()));
        }
        out.flush();
        return attention.isEmpty() ? ExitCodes.OK : ExitCodes.ATTENTION;
    }

    private static Map<String, Object> toJson(InspectionReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("path", report.path());
        root.put("format", report.format());
        List<Object> entries = new ArrayList<>();
        for (EntryReport entry : report.entries()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("alias", entry.alias());
            node.put("kind", entry.kind());
            node.put("chainVerifies", entry.chainVerifies());
            node.put("chainComplete", entry.chainComplete());
            if (entry.keyMatches() != null) {
                node.put("keyMatches", entry.keyMatches());
            }
            List<Object> chain = new ArrayList<>();
            for (CertificateReport c : entry.chain()) {
                Map<String, Object> cert = new LinkedHashMap<>();
                cert.put("subject", c.subject());
                cert.put("issuer", c.issuer());
                cert.put("serial", c.serial());
                cert.put("subjectAltNames", c.subjectAltNames());
                cert.put("keyUsage", c.keyUsage());
                cert.put("extendedKeyUsage", c.extendedKeyUsage());
                cert.put("ca", c.ca());
                cert.put("keyType", c.keyType());
                cert.put("keySize", c.keySize());
                cert.put("notBefore", c.notBefore().toString());
                cert.put("notAfter", c.notAfter().toString());
                cert.put("daysLeft", c.daysLeft());
                cert.put("sha256", c.sha256());
                cert.put("policyViolations", c.policyViolations());
                chain.add(cert);
            }
            node.put("certificates", chain);
            entries.add(node);
        }
        root.put("entries", entries);
        return root;
    }

    /** @param keyOf the certificate file a key file was checked against, or null */
    private static void printText(PrintWriter out, InspectionReport report, String keyOf) {
        // Subjects, SANs and aliases come from the file, which may be anyone's: escaped.
        out.printf("%s (%s)%n", TerminalText.escape(report.path()), report.format());
        for (EntryReport entry : report.entries()) {
            if (keyOf != null && entry.keyMatches() != null) {
                out.printf("%n%s: %s its certificate %s%n", entry.kind(), entry.keyMatches() ? "matches" : "DOES NOT MATCH", keyOf);
                continue;
            }
            String verdict = entry.chain().isEmpty() ? "no certificate, so no chain to verify"
                    : "chain " + (!entry.chainVerifies() ? "DOES NOT VERIFY" : entry.chainComplete() ? "verifies"
                    : "verifies, but does not end at a root");
            out.printf("%n%s%s: %s%s%n",
                    entry.kind(),
                    entry.alias() == null ? "" : " '" + TerminalText.escape(entry.alias()) + "'",
                    verdict,
                    entry.keyMatches() == null ? "" : entry.keyMatches() ? ", private key matches" : ", PRIVATE KEY DOES NOT MATCH");
            int index = 0;
            for (CertificateReport c : entry.chain()) {
                out.printf("  [%d] subject   %s%n", index++, TerminalText.escape(c.subject()));
                out.printf("      issuer    %s%n", TerminalText.escape(c.issuer()));
                out.printf("      serial    %s%n", c.serial());
                if (!c.subjectAltNames().isEmpty()) {
                    out.printf("      SAN       %s%n", TerminalText.escape(String.join(", ", c.subjectAltNames())));
                }
                out.printf("      key usage %s%s%n", String.join(", ", c.keyUsage()), c.ca() ? " (CA)" : "");
                if (!c.extendedKeyUsage().isEmpty()) {
                    out.printf("      EKU       %s%n", String.join(", ", c.extendedKeyUsage()));
                }
                out.printf("      key       %s %d%n", c.keyType(), c.keySize());
                out.printf("      valid     %s to %s (%s)%n", c.notBefore(), c.notAfter(),
                        c.daysLeft() < 0 ? "EXPIRED" : c.daysLeft() + " days left");
                out.printf("      sha256    %s%n", c.sha256());
                c.policyViolations().forEach(rule -> out.printf("      WEAK      %s%n", rule));
            }
        }
        out.flush();
    }
}
