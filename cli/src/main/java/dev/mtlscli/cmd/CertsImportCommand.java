package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.TerminalText;
import dev.mtlscli.aws.Arns;
import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.AwsNames;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.pki.KmsKey;
import dev.mtlscli.importing.ImportRequest;
import dev.mtlscli.importing.ImportedService;
import dev.mtlscli.importing.MaterialImporter;
import dev.mtlscli.inspect.CertificateDescriber;
import dev.mtlscli.inspect.CertificateReport;
import dev.mtlscli.json.Json;
import dev.mtlscli.store.StoreType;
import dev.mtlscli.workspace.WorkspaceLayout;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

@Command(name = "import",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
                "Bring existing client keystores and truststores (JKS or PKCS12, made with keytool or openssl, as the AWS "
                        + "sample's script makes them) into a workspace that layer publish and rotate work on.",
                "Each --service group names one service and its keystore; the backend's certificate and the CA's "
                        + "certificate and key are optional. The stores are re-encrypted with generated passwords "
                        + "(passwords.json, 0600) and each service gets a truststore of its backend's CA only.",
                "Passwords of the inputs come from a file, the environment or standard input, never from the command line."
        })
public final class CertsImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @ArgGroup(exclusive = false, multiplicity = "1..*", heading = "%nPer service (repeat the group for each service):%n")
    List<ServiceOptions> services;

    static final class ServiceOptions {
        @Option(names = "--service", paramLabel = "NAME", required = true,
                description = "The service's name in the workspace (lower-case letters, digits and '-').")
        String name;

        @Option(names = "--keystore", paramLabel = "FILE", required = true, description = "The client keystore (JKS or PKCS12).")
        Path keyStore;

        @Option(names = "--alias", paramLabel = "ALIAS", description = "The key entry to import, when the keystore holds several.")
        String alias;

        @Option(names = "--keystore-password-file", paramLabel = "FILE", description = "The keystore's password (first line); default: the --password-* source.")
        Path keyStorePasswordFile;

        @Option(names = "--keystore-password-env", paramLabel = "NAME", description = "The keystore's password from this environment variable.")
        String keyStorePasswordEnv;

        @Option(names = "--server-cert", paramLabel = "FILE",
                description = "The backend's certificate (PEM or DER, nginx's ssl_certificate); default: the one in the truststore issued by the service's CA.")
        Path serverCertificate;

        @Option(names = "--ca-cert", paramLabel = "FILE", description = "The CA certificate that issued the client certificate, if the keystore and truststore lack it.")
        Path caCertificate;

        @Option(names = "--ca-key", paramLabel = "FILE",
                description = "The CA's private key (PEM), so that rotate can renew locally; it is stored encrypted under a generated password.")
        Path caKey;

        @Option(names = "--ca-kms-key-id", paramLabel = "KEY",
                description = "Instead of --ca-key: the AWS KMS key (key id, key ARN, alias/NAME or alias ARN) that is the CA's private "
                        + "key; the CA certificate must hold its public key. The workspace records its ARN, as certs create --ca aws-kms does.")
        String caKmsKeyId;

        @Option(names = "--ca-key-password-file", paramLabel = "FILE", description = "The password of an encrypted --ca-key (first line).")
        Path caKeyPasswordFile;

        @Option(names = "--ca-key-password-env", paramLabel = "NAME", description = "The password of an encrypted --ca-key from this environment variable.")
        String caKeyPasswordEnv;
    }

    @Option(names = "--truststore", paramLabel = "FILE",
            description = "The truststore the clients used (JKS or PKCS12); it is checked, and each backend's CA is carried over.")
    Path trustStore;

    @Option(names = "--truststore-password-file", paramLabel = "FILE", description = "The truststore's password (first line); default: the --password-* source.")
    Path trustStorePasswordFile;

    @Option(names = "--truststore-password-env", paramLabel = "NAME", description = "The truststore's password from this environment variable.")
    String trustStorePasswordEnv;

    @Option(names = "--password-file", paramLabel = "FILE", description = "The password of every input store (first line), unless a more specific option gives one.")
    Path passwordFile;

    @Option(names = "--password-env", paramLabel = "NAME", description = "The password of every input store from this environment variable.")
    String passwordEnv;

    @Option(names = "--password-stdin", description = "The password of every input store from the first line of standard input.")
    boolean passwordStdin;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "mtls-certs",
            description = "The workspace to write, created atomically (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--force", description = "Replace an existing workspace (and --layer-dir) that mtls-cli made.")
    boolean force;

    @Option(names = "--layer-dir", paramLabel = "DIR",
            description = "Also write the Lambda layer content (mtls/<service>/ stores and manifest.json) to DIR, as certs create does.")
    Path layerDir;

    @Option(names = "--store-type", paramLabel = "TYPE", converter = Converters.StoreTypeConverter.class, defaultValue = "pkcs12",
            completionCandidates = Converters.StoreTypes.class,
            description = "Format of the workspace's stores: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    StoreType storeType;

    @Mixin
    AwsOptions aws;

    private char[] common;
    private boolean commonRead;

    @Override
    public Integer call() {
        int sources = (passwordFile != null ? 1 : 0) + (passwordEnv != null ? 1 : 0) + (passwordStdin ? 1 : 0);
        if (sources > 1) {
            throw new MtlsException("give the common password once: --password-file, --password-env or --password-stdin");
        }
        List<ImportRequest.ServiceSource> sourcesList = new ArrayList<>();
        for (ServiceOptions service : services) {
            if (service.caKey != null && service.caKmsKeyId != null) {
                throw new MtlsException(service.name + ": give the CA's key once, --ca-key (a local key) or --ca-kms-key-id (a KMS key)");
            }
        }
        for (ServiceOptions service : services) {
            sourcesList.add(new ImportRequest.ServiceSource(service.name, service.keyStore,
                    password(service.keyStorePasswordFile, service.keyStorePasswordEnv, "the keystore " + service.keyStore,
                            "--keystore-password-file"),
                    service.alias, service.serverCertificate, service.caCertificate, service.caKey,
                    service.caKey == null ? null : caKeyPassword(service), service.caKmsKeyId));
        }
        char[] trustStorePassword = trustStore == null ? null
                : password(trustStorePasswordFile, trustStorePasswordEnv, "the truststore " + trustStore, "--truststore-password-file");
        Instant now = Instant.now();
        ImportRequest request = new ImportRequest(sourcesList, trustStore, trustStorePassword, storeType);
        MaterialImporter.Result result;
        List<String> kmsKeyIds = services.stream().map(service -> service.caKmsKeyId).filter(Objects::nonNull).toList();
        if (kmsKeyIds.isEmpty()) {
            result = new MaterialImporter(new SecureRandom(), now).importInto(request, out, layerDir, force);
        } else {
            kmsKeyIds.forEach(AwsNames::kmsKeyId);
            try (AwsClients clients = AwsClients.connect(kmsSettings(kmsKeyIds))) {
                String region = clients.region().id();
                result = new MaterialImporter(new SecureRandom(), now, keyId -> KmsKey.connect(clients.kms(), keyId, region))
                        .importInto(request, out, layerDir, force);
            }
        }

        PrintWriter err = spec.commandLine().getErr();
        result.plan().warnings().forEach(warning -> err.println("warning: " + TerminalText.escape(warning)));
        err.flush();
        PrintWriter stdout = spec.commandLine().getOut();
        if (global.output == OutputFormat.json) {
            stdout.println(Json.write(toJson(result, now)));
        } else {
            printText(stdout, result, now);
        }
        stdout.flush();
        return ExitCodes.OK;
    }

    /** The region of the --ca-kms-key-id ARNs unless --region says otherwise; a KMS key signs in its own region only. */
    private AwsSettings kmsSettings(List<String> keyIds) {
        AwsSettings settings = aws.settings();
        for (String keyId : keyIds) {
            if (!keyId.startsWith("arn:")) {
                continue;
            }
            String keyRegion = Arns.region(keyId);
            if (settings.region() == null) {
                settings = settings.withRegion(keyRegion);
            } else if (!settings.region().equals(keyRegion)) {
                throw new MtlsException("the KMS key " + keyId + " is in " + keyRegion + ", not in "
                        + (aws.settings().region() == null ? "the region of the other keys, " : "--region ") + settings.region()
                        + "; a KMS key signs in its own region only");
            }
        }
        return settings;
    }

    /** An encrypted CA key's password: its own, else the common one; a clear key needs none. */
    private char[] caKeyPassword(ServiceOptions service) {
        char[] specific = optionalPassword(service.caKeyPasswordFile, service.caKeyPasswordEnv);
        return specific != null ? specific : common();
    }

    /** The specific source, else the common one; one of them must give it. */
    private char[] password(Path file, String env, String what, String specificOption) {
        char[] specific = optionalPassword(file, env);
        if (specific != null) {
            return specific;
        }
        char[] shared = common();
        if (shared == null) {
            throw new MtlsException("no password for " + what + ": give --password-file, --password-env or --password-stdin (or "
                    + specificOption + ")");
        }
        return shared;
    }

    private static char[] optionalPassword(Path file, String env) {
        if (file != null && env != null) {
            throw new MtlsException("give a password once, from a file or from the environment");
        }
        return PasswordSource.read(file, env, false);
    }

    /** The common password, read once (standard input cannot be read twice). */
    private char[] common() {
        if (!commonRead) {
            commonRead = true;
            common = PasswordSource.read(passwordFile, passwordEnv, passwordStdin);
        }
        return common;
    }

    private void printText(PrintWriter stdout, MaterialImporter.Result result, Instant now) {
        stdout.printf("Imported %d service%s into %s (%s stores, new passwords in %s, mode 0600)%n",
                result.plan().services().size(), result.plan().services().size() == 1 ? "" : "s",
                TerminalText.escape(result.directory()), storeType.id(), WorkspaceLayout.passwords());
        for (ImportedService service : result.plan().services()) {
            stdout.printf("%n%s  host %s%n", service.name(), TerminalText.escape(service.host()));
            stdout.printf("  client   %s%n", line(service.clientCertificate(), now));
            stdout.printf("           from entry '%s', issued by %s%n", TerminalText.escape(service.keyStoreAlias()),
                    TerminalText.escape(service.clientCertificate().getIssuerX500Principal().getName()));
            X509Certificate ca = service.caChain().get(0);
            stdout.printf("  ca       %s%n", line(ca, now));
            stdout.printf("           %s%n", service.hasCaKey()
                    ? "key imported, encrypted: " + WorkspaceLayout.caKey(service.name())
                    : service.caKmsKeyArn() != null
                    ? "key in KMS: " + TerminalText.escape(service.caKmsKeyArn()) + " (" + WorkspaceLayout.caKmsKey(service.name()) + ")"
                    : "key not imported: rotate cannot renew locally (rotate --new-ca, or certs create --ca acm-pca)");
            stdout.printf("  backend  %s%n", line(service.serverCertificate(), now));
            stdout.printf("           from %s, issued by %s%n", TerminalText.escape(service.serverSource()),
                    TerminalText.escape(service.serverCertificate().getIssuerX500Principal().getName()));
            stdout.printf("  trusts   %s (%s)%n", TerminalText.escape(service.serverRoot().getSubjectX500Principal().getName()),
                    WorkspaceLayout.clientTrustStore(service.name(), storeType));
        }
        if (!result.plan().notes().isEmpty()) {
            stdout.println();
            result.plan().notes().forEach(note -> stdout.println(TerminalText.escape(note)));
        }
        if (layerDir != null) {
            stdout.printf("%nLayer content in %s:%n", TerminalText.escape(layerDir));
            result.layerFiles().forEach(file -> stdout.printf("  %s%n", file));
        }
        // the imported keys are still in the old stores and layer versions, under their old password
        List<ImportedService> kms = result.plan().services().stream().filter(service -> service.caKmsKeyArn() != null).toList();
        if (kms.size() < result.plan().services().size()) {
            boolean allKeys = result.plan().services().stream().allMatch(ImportedService::canIssue);
            stdout.printf("%nThe imported private keys are still in the old stores and layer versions; give them new ones now: "
                    + "mtls-cli certs rekey --workspace %s%s%n", TerminalText.escape(result.directory()), allKeys ? "" : " --new-ca");
        }
        for (ImportedService service : kms) {
            stdout.printf("%n%s: the imported client key is still in the old stores and layer versions; renew it through KMS now: "
                    + "mtls-cli rotate --workspace %s --service %s --force%n", service.name(), TerminalText.escape(result.directory()),
                    service.name());
        }
        stdout.printf("Next: mtls-cli layer publish --workspace %s%n", TerminalText.escape(result.directory()));
    }

    private static String line(X509Certificate certificate, Instant now) {
        CertificateReport report = CertificateDescriber.describe(certificate, now);
        // A v1 certificate (the sample's backends) has no extensions at all: "EKU any" would read
        // as a choice someone made, when nothing restricts or describes the key's use.
        String usage = certificate.getVersion() < 3 ? "no extensions (X.509 v" + certificate.getVersion() + ")"
                : "EKU " + (report.extendedKeyUsage().isEmpty() ? "any" : TerminalText.escape(String.join(",", report.extendedKeyUsage())));
        return TerminalText.escape(report.subject()) + "  " + report.keyType() + " " + report.keySize()
                + "  expires " + report.notAfter() + " (" + report.daysLeft() + " days)  " + usage;
    }

    private Map<String, Object> toJson(MaterialImporter.Result result, Instant now) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("directory", result.directory().toString());
        root.put("storeType", storeType.id());
        List<Object> servicesJson = new ArrayList<>();
        for (ImportedService service : result.plan().services()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("name", service.name());
            node.put("host", service.host());
            node.put("alias", service.keyStoreAlias());
            node.put("client", certificate(service.clientCertificate(), now));
            node.put("ca", certificate(service.caChain().get(0), now));
            node.put("caKeyImported", service.hasCaKey());
            node.put("caKmsKeyArn", service.caKmsKeyArn());
            node.put("server", certificate(service.serverCertificate(), now));
            node.put("serverSource", service.serverSource());
            node.put("trusts", certificate(service.serverRoot(), now));
            servicesJson.add(node);
        }
        root.put("services", servicesJson);
        root.put("files", WrittenFilesJson.of(result.files()));
        if (layerDir != null) {
            root.put("layerDirectory", layerDir.toAbsolutePath().normalize().toString());
            root.put("layerFiles", result.layerFiles());
        }
        root.put("warnings", result.plan().warnings());
        root.put("notes", result.plan().notes());
        return root;
    }

    private static Map<String, Object> certificate(X509Certificate certificate, Instant now) {
        CertificateReport report = CertificateDescriber.describe(certificate, now);
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("subject", report.subject());
        node.put("issuer", report.issuer());
        node.put("notAfter", report.notAfter().toString());
        node.put("daysLeft", report.daysLeft());
        node.put("extendedKeyUsage", report.extendedKeyUsage());
        node.put("keyType", report.keyType());
        node.put("keySize", report.keySize());
        node.put("sha256", report.sha256());
        return node;
    }
}
