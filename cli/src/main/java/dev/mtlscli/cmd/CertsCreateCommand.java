package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.Arns;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.AwsNames;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.aws.KmsCaKeyPolicy;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.json.Json;
import dev.mtlscli.pki.AcmPcaIssuer;
import dev.mtlscli.pki.Fingerprints;
import dev.mtlscli.pki.KeyAlgorithm;
import dev.mtlscli.pki.KmsCaKeys;
import dev.mtlscli.pki.KmsSigningAlgorithm;
import dev.mtlscli.spec.MtlsSpec;
import dev.mtlscli.spec.ResolvedSpec;
import dev.mtlscli.spec.SpecOverrides;
import dev.mtlscli.spec.SpecReader;
import dev.mtlscli.spec.SpecResolver;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.StoreType;
import dev.mtlscli.workspace.AcmPcaCaSource;
import dev.mtlscli.workspace.CertsCreator;
import dev.mtlscli.workspace.CreateResult;
import dev.mtlscli.workspace.FileRole;
import dev.mtlscli.workspace.KmsCaSource;
import dev.mtlscli.workspace.OfflineRootDirectory;
import dev.mtlscli.workspace.WrittenFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "create",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Create root CAs, backend server certificates and Lambda client keystores/truststores.",
                "Without --spec it creates the demo set (service-1 and service-2); 'mtls-cli certs spec' prints it.",
                "Passwords are generated and written to passwords.json (0600) in the output; they are never printed.",
                "With --ca aws-kms each service's root CA key is an AWS KMS key that never leaves KMS: the workspace records its",
                "ARN in ca/<service>/kms-key-arn instead of a ca.key, and every certificate is one KMS Sign call."
        })
public final class CertsCreateCommand implements Callable<Integer> {
    private static final String DEFAULT_KMS_KEY_SPEC = "ECC_NIST_P256";

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Option(names = "--spec", paramLabel = "FILE", description = "Spec file (mtls.json) naming services, hosts, subjects, validity and algorithms.")
    Path specFile;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "mtls-certs",
            description = "Output directory, created atomically (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--key-algorithm", paramLabel = "ALG", converter = Converters.KeyAlgorithmConverter.class,
            completionCandidates = Converters.KeyAlgorithms.class,
            description = "Key algorithm of every key: ${COMPLETION-CANDIDATES} (default: ec-p256, or the spec's).")
    KeyAlgorithm keyAlgorithm;

    @Option(names = "--validity", paramLabel = "DAYS",
            description = "Validity of server and client certificates in days; may not exceed the CA's (default: 365, or the spec's).")
    Integer validityDays;

    @Option(names = "--ca-validity", paramLabel = "DAYS",
            description = "Validity of the root CAs in days (default: 3650, or the spec's).")
    Integer caValidityDays;

    @Option(names = "--store-type", paramLabel = "TYPE", converter = Converters.StoreTypeConverter.class,
            completionCandidates = Converters.StoreTypes.class,
            description = "Keystore and truststore format: ${COMPLETION-CANDIDATES} (default: pkcs12, or the spec's).")
    StoreType storeType;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Use the passwords in this file (the passwords.json format) instead of generating them.")
    Path passwordFile;

    @Option(names = "--force", description = "Replace an existing non-empty output directory.")
    boolean force;

    @Option(names = "--layer-dir", paramLabel = "DIR",
            description = "Also write the Lambda layer content (mtls/<service>/ stores and manifest.json) to DIR.")
    Path layerDir;

    @Option(names = "--ca", paramLabel = "local|acm-pca|aws-kms", defaultValue = "local",
            description = "Who signs the certificates: a new local root CA per service, the ACM Private CA of --ca-arn, or a "
                    + "root CA per service whose private key is an AWS KMS key that never leaves KMS (default: ${DEFAULT-VALUE}).")
    String ca;

    @Option(names = "--ca-arn", paramLabel = "ARN", description = "The ACM Private CA that issues every certificate (with --ca acm-pca).")
    String caArn;

    @Option(names = "--kms-key-spec", paramLabel = "SPEC",
            description = "With --ca aws-kms: the key spec of the KMS key made for each service's CA (alias alias/mtls/<service>-ca): "
                    + "ECC_NIST_P256, ECC_NIST_P384, RSA_3072 or RSA_4096 (default: ECC_NIST_P256).")
    String kmsKeySpec;

    @Option(names = "--signer-role", paramLabel = "ARN",
            description = "With --ca aws-kms: an IAM role the key policy allows kms:Sign (and kms:GetPublicKey, kms:DescribeKey), "
                    + "e.g. the role of a rotator running in AWS; repeatable. The caller may always sign; the account "
                    + "administers the key but cannot sign through that statement.")
    List<String> signerRoles = new ArrayList<>();

    @Option(names = "--kms-key-id", paramLabel = "KEY",
            description = "With --ca aws-kms: adopt this existing asymmetric SIGN_VERIFY key (key id, key ARN, alias/NAME or alias "
                    + "ARN) as the CA key of the spec's one service instead of making a key; its policy is left as it is.")
    String kmsKeyId;

    @Option(names = "--kms-signing-algorithm", paramLabel = "ALG",
            description = "With --ca aws-kms: the KMS signing algorithm of the certificates, e.g. RSASSA_PSS_SHA_256 (default: "
                    + "ECDSA with the curve's hash for an EC key, RSASSA_PKCS1_V1_5_SHA_256 for an RSA key).")
    String kmsSigningAlgorithm;

    @Option(names = "--offline-root", paramLabel = "DIR",
            description = "With --ca aws-kms: a two-level CA. A local root per service, its key encrypted in DIR/<service>/root.key "
                    + "(password in DIR/passwords.json, both 0600), signs an intermediate CA certificate for the KMS key, which "
                    + "issues every certificate. DIR must be new or empty and outside the workspace; keep it offline. The "
                    + "workspace and the truststores hold the root's certificate, never its key.")
    Path offlineRoot;

    @Option(names = "--dry-run", description = "With --ca acm-pca or aws-kms: print the ACM PCA or KMS calls that would be made; "
            + "call and write nothing.")
    boolean dryRun;

    @Mixin
    AwsOptions aws;

    @Override
    public Integer call() {
        boolean acmPca = usesAcmPca();
        boolean awsKms = "aws-kms".equals(ca);
        MtlsSpec source = specFile == null ? SpecReader.demo() : SpecReader.read(specFile);
        ResolvedSpec resolved = SpecResolver.resolve(source,
                new SpecOverrides(keyAlgorithm, validityDays, caValidityDays, storeType));
        PasswordFile passwords = passwordFile == null ? PasswordFile.empty() : PasswordFile.read(passwordFile);
        CreateResult result;
        if (acmPca) {
            AwsSettings settings = acmPcaSettings();
            if (dryRun) {
                Plans.print(spec.commandLine().getOut(), global.output, AwsClients.region(settings),
                        AcmPcaPlan.calls(caArn, resolved));
                return ExitCodes.OK;
            }
            CertsCreator.checkOutputs(out, layerDir, force);
            try (AwsClients clients = AwsClients.connect(settings)) {
                AcmPcaIssuer issuer = AcmPcaIssuer.connect(clients.acmPca(), caArn);
                result = new CertsCreator(new SecureRandom(), new AcmPcaCaSource(issuer, caArn)).create(resolved, out, layerDir, force, passwords);
            }
        } else if (awsKms) {
            if (dryRun) {
                return printKmsPlan(resolved);
            }
            result = createWithKms(resolved, passwords);
        } else {
            result = new CertsCreator(new SecureRandom()).create(resolved, out, layerDir, force, passwords);
        }
        List<String> layerFiles = result.layerFiles();
        PrintWriter stdout = spec.commandLine().getOut();
        if (global.output == OutputFormat.json) {
            Map<String, Object> json = toJson(result, resolved);
            if (layerDir != null) {
                json.put("layerDirectory", layerDir.toAbsolutePath().normalize().toString());
                json.put("layerFiles", layerFiles);
            }
            if (offlineRoot != null) {
                json.put("offlineRoot", offlineRoot.toAbsolutePath().normalize().toString());
            }
            stdout.println(Json.write(json));
            stdout.flush();
        } else {
            printText(stdout, result, resolved);
            if (offlineRoot != null) {
                stdout.printf("%nThe offline roots are in %s (<service>/root.key encrypted, its password in passwords.json, both 0600):%n"
                        + "  keep that directory offline; rotate renews without it, rotate --new-ca needs it (--offline-root).%n",
                        offlineRoot);
                stdout.flush();
            }
            if (layerDir != null) {
                stdout.printf("%nLayer content in %s:%n", layerDir);
                layerFiles.forEach(file -> stdout.printf("  %s%n", file));
                stdout.flush();
            }
        }
        return ExitCodes.OK;
    }

    private boolean usesAcmPca() {
        boolean kmsOptions = kmsKeySpec != null || !signerRoles.isEmpty() || kmsKeyId != null || kmsSigningAlgorithm != null;
        if (kmsOptions && !"aws-kms".equals(ca)) {
            throw new MtlsException("--kms-key-spec, --signer-role, --kms-key-id and --kms-signing-algorithm need --ca aws-kms");
        }
        if (offlineRoot != null && !"aws-kms".equals(ca)) {
            throw new MtlsException("--offline-root needs --ca aws-kms: the offline root signs the KMS key's intermediate");
        }
        if (offlineRoot != null && kmsSigningAlgorithm != null) {
            throw new MtlsException("--kms-signing-algorithm does not apply with --offline-root: a KMS intermediate signs with its "
                    + "key's usual algorithm (ECDSA with the curve's hash, RSASSA_PKCS1_V1_5_SHA_256)");
        }
        switch (ca) {
            case "local":
                if (caArn != null) {
                    throw new MtlsException("--ca-arn needs --ca acm-pca");
                }
                if (dryRun) {
                    throw new MtlsException("--dry-run applies to --ca acm-pca and aws-kms; a local run calls nothing");
                }
                return false;
            case "acm-pca":
                if (caArn == null) {
                    throw new MtlsException("--ca acm-pca needs --ca-arn ARN of the private CA");
                }
                if (caValidityDays != null) {
                    throw new MtlsException("--ca-validity does not apply to --ca acm-pca: the private CA's own validity does");
                }
                return true;
            case "aws-kms":
                if (caArn != null) {
                    throw new MtlsException("--ca-arn needs --ca acm-pca; with --ca aws-kms, --kms-key-id adopts an existing key");
                }
                if (kmsKeyId != null && (kmsKeySpec != null || !signerRoles.isEmpty())) {
                    throw new MtlsException("--kms-key-spec and --signer-role describe a key mtls-cli makes; an adopted key "
                            + "(--kms-key-id) keeps its own spec and key policy");
                }
                return false;
            default:
                throw new MtlsException("unknown --ca '" + ca + "' (expected local, acm-pca or aws-kms)");
        }
    }

    /**
     * A root per service whose key is a KMS key. Every check that needs no KMS key made (the
     * outputs, an adopted key and its algorithm) comes before the first one is made.
     */
    private CreateResult createWithKms(ResolvedSpec resolved, PasswordFile passwords) {
        KmsSigningAlgorithm signing = checkKmsOptions(resolved);
        AwsSettings settings = kmsSettings();
        CertsCreator.checkOutputs(out, layerDir, force);
        if (offlineRoot != null) {
            OfflineRootDirectory.checkNew(offlineRoot, out, layerDir);
        }
        SecureRandom random = new SecureRandom();
        try (AwsClients clients = AwsClients.connect(settings)) {
            String region = clients.region().id();
            KmsCaSource source;
            if (kmsKeyId != null) {
                source = KmsCaSource.adopted(clients.kms(), region, kmsKeyId, signing, random);
            } else {
                String caller = AwsCalls.call(AwsService.STS, "GetCallerIdentity", () -> clients.sts().getCallerIdentity().arn());
                source = KmsCaSource.created(clients.kms(), region, keySpec(), caller, signerRoles, signing, random);
            }
            if (offlineRoot == null) {
                return new CertsCreator(random, source).create(resolved, out, layerDir, force, passwords);
            }
            try (OfflineRootDirectory roots = OfflineRootDirectory.stage(offlineRoot,
                    resolved.services().stream().map(ResolvedSpec.Service::name).toList(), random)) {
                return new CertsCreator(random, source.underOfflineRoot(roots)).create(resolved, out, layerDir, force, passwords);
            }
        }
    }

    private String keySpec() {
        return kmsKeySpec == null ? DEFAULT_KMS_KEY_SPEC : kmsKeySpec;
    }

    /** What can be checked without calling AWS, so that bad options call nothing; the signing algorithm asked for, or null. */
    private KmsSigningAlgorithm checkKmsOptions(ResolvedSpec resolved) {
        KmsSigningAlgorithm signing = kmsSigningAlgorithm == null ? null : KmsSigningAlgorithm.fromName(kmsSigningAlgorithm);
        if (kmsKeyId == null) {
            KmsCaKeys.keySpec(keySpec());
            if (signing != null) {
                signing.requireFits(keySpec());
            }
            signerRoles.forEach(KmsCaKeyPolicy::signerRole);
            return signing;
        }
        AwsNames.kmsKeyId(kmsKeyId);
        if (resolved.services().size() != 1) {
            throw new MtlsException("--kms-key-id adopts one key as the CA key of one service, and the spec has "
                    + resolved.services().size() + " (" + String.join(", ", resolved.services().stream()
                    .map(ResolvedSpec.Service::name).toList()) + "); give a spec with one service, or leave --kms-key-id out "
                    + "to make a key per service");
        }
        return signing;
    }

    /** The same checks as a run, then its calls; nothing is called. */
    private int printKmsPlan(ResolvedSpec resolved) {
        KmsSigningAlgorithm signing = checkKmsOptions(resolved);
        if (offlineRoot != null) {
            OfflineRootDirectory.checkNew(offlineRoot, out, layerDir);
        }
        Plans.print(spec.commandLine().getOut(), global.output, AwsClients.region(kmsSettings()),
                KmsCaPlan.calls(kmsKeyId, keySpec(), signerRoles, signing == null ? null : signing.name(), offlineRoot != null,
                        resolved));
        return ExitCodes.OK;
    }

    /** The region of a --kms-key-id ARN unless --region says otherwise; a key is used in its own region only. */
    private AwsSettings kmsSettings() {
        AwsSettings settings = aws.settings();
        String keyRegion = kmsKeyId != null && kmsKeyId.startsWith("arn:") ? Arns.region(kmsKeyId) : null;
        if (keyRegion == null) {
            return settings;
        }
        if (settings.region() == null) {
            return settings.withRegion(keyRegion);
        }
        if (!settings.region().equals(keyRegion)) {
            throw new MtlsException("the KMS key " + kmsKeyId + " is in " + keyRegion + ", not in --region " + settings.region()
                    + "; a KMS key signs in its own region only");
        }
        return settings;
    }

    /** The CA's region unless --region says otherwise; a CA in another region than the one called cannot be reached. */
    private AwsSettings acmPcaSettings() {
        AwsNames.CaArn arn = AwsNames.caArn(caArn);
        AwsSettings settings = aws.settings();
        if (settings.region() == null) {
            return settings.withRegion(arn.region());
        }
        if (!settings.region().equals(arn.region())) {
            throw new MtlsException("the CA " + caArn + " is in " + arn.region() + ", not in --region " + settings.region());
        }
        return settings;
    }

    private static Map<String, Object> toJson(CreateResult result, ResolvedSpec resolved) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("directory", result.directory().toString());
        root.put("storeType", resolved.storeType().id());
        root.put("files", WrittenFilesJson.of(result.files()));
        List<Object> services = new ArrayList<>();
        for (CreateResult.ServiceSummary service : result.services()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("name", service.name());
            node.put("host", service.host());
            node.put("keyAlgorithm", service.keyAlgorithm());
            node.put("ca", certificate(service.caCertificate()));
            node.put("server", certificate(service.serverCertificate()));
            node.put("client", certificate(service.clientCertificate()));
            services.add(node);
        }
        root.put("services", services);
        return root;
    }

    private static Map<String, Object> certificate(X509Certificate certificate) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("subject", certificate.getSubjectX500Principal().getName());
        node.put("notAfter", certificate.getNotAfter().toInstant().toString());
        node.put("sha256", Fingerprints.sha256(certificate));
        return node;
    }

    private static void printText(PrintWriter out, CreateResult result, ResolvedSpec resolved) {
        out.printf("Created %s (%s stores)%n", result.directory(), resolved.storeType().id());
        for (CreateResult.ServiceSummary service : result.services()) {
            out.printf("%n%s  host %s  %s%n", service.name(), service.host(), service.keyAlgorithm());
            for (WrittenFile file : result.files()) {
                if (service.name().equals(file.service())) {
                    out.printf("  %-20s %s%n", file.role().id(), file.path());
                }
            }
            out.printf("  client certificate expires %s, sha256 %s%n",
                    service.clientCertificate().getNotAfter().toInstant(), Fingerprints.sha256(service.clientCertificate()));
        }
        out.println();
        for (WrittenFile file : result.files()) {
            if (file.service() == null) {
                out.printf("%-22s %s%n", file.role().id(), file.path());
            }
        }
        out.printf("%nThe passwords are in %s (mode 0600); keep it out of version control.%n",
                result.files().stream().filter(f -> f.role() == FileRole.PASSWORDS).findFirst().orElseThrow().path());
        out.flush();
    }
}
