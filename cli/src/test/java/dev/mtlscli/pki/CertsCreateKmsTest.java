package dev.mtlscli.pki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeKms;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.Openssl;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tls;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.net.ssl.SSLContext;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `certs create --ca aws-kms` against the fake KMS, which holds real key pairs and really signs:
 * a key per service with its alias, tag and key policy, a root self-signed through KMS, every
 * certificate one Sign of a locally computed digest, and chains that openssl verifies strictly
 * and nginx accepts.
 */
class CertsCreateKmsTest {
    private static final String CALLER = "arn:aws:iam::" + FakeAws.ACCOUNT_ID + ":user/fake-aws";
    private static final String SIGNER = "arn:aws:iam::" + FakeAws.ACCOUNT_ID + ":role/mtls-rotator";

    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static FakeKms kms;
    private static Path spec;
    private static Workspace ws;
    private static List<RecordedRequest> signs;
    private static final Map<String, Integer> signCounts = new HashMap<>();

    @BeforeAll
    static void create() {
        aws = FakeAws.start();
        kms = aws.kms();
        spec = Workspace.writeLocalhostSpec(temp.resolve("mtls.json"));
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--signer-role", SIGNER, "--spec", spec.toString(),
                "--out", temp.resolve("ws").toString());
        ws = Workspace.open(temp.resolve("ws"), "pkcs12");
        signs = aws.requests("Sign");
        for (String service : Workspace.DEMO_SERVICES) {
            signCounts.put(service, kms.signCount(key(service).keyId()));
        }
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    private static FakeKms.Key key(String service) {
        return kms.key("alias/mtls/" + service + "-ca");
    }

    @Test
    void eachServiceGetsItsOwnSignVerifyKeyWithAliasAndTag() {
        Set<String> arns = new HashSet<>();
        for (String service : Workspace.DEMO_SERVICES) {
            FakeKms.Key key = key(service);
            assertEquals("ECC_NIST_P256", key.keySpec());
            assertEquals("SIGN_VERIFY", key.keyUsage());
            assertEquals("Enabled", key.state());
            assertEquals(List.of("alias/mtls/" + service + "-ca"), key.aliases());
            assertEquals(service, key.tags().get("mtls-cli:service"));
            arns.add(key.arn());
        }
        assertEquals(2, arns.size(), "one key per service: a leaked signer of one cannot sign for another");
    }

    @Test
    void theKeyPolicyLetsOnlyTheCallerAndTheSignerRolesSign() throws Exception {
        JsonNode policy = new ObjectMapper().readTree(key("service-1").policy());
        List<String> signers = new ArrayList<>();
        for (JsonNode statement : policy.get("Statement")) {
            assertEquals("Allow", statement.get("Effect").asText());
            List<String> actions = new ArrayList<>();
            statement.get("Action").forEach(action -> actions.add(action.asText()));
            List<String> principals = new ArrayList<>();
            JsonNode aws = statement.get("Principal").get("AWS");
            if (aws.isArray()) {
                aws.forEach(principal -> principals.add(principal.asText()));
            } else {
                principals.add(aws.asText());
            }
            assertFalse(actions.contains("kms:*") || actions.contains("kms:Create*") || actions.contains("kms:CreateGrant")
                    || actions.contains("kms:S*"), "no wildcard or grant reaches kms:Sign: " + actions);
            if (actions.contains("kms:Sign")) {
                assertEquals(List.of("kms:Sign", "kms:GetPublicKey", "kms:DescribeKey"), actions);
                signers.addAll(principals);
            } else {
                assertEquals(List.of("arn:aws:iam::" + FakeAws.ACCOUNT_ID + ":root"), principals, "the account administers");
                assertTrue(actions.contains("kms:ScheduleKeyDeletion") && actions.contains("kms:PutKeyPolicy"), actions.toString());
            }
        }
        assertEquals(List.of(CALLER, SIGNER), signers);
    }

    @Test
    void theWorkspaceRecordsTheKeyArnAndHoldsNoCaKey() throws Exception {
        for (String service : Workspace.DEMO_SERVICES) {
            FakeKms.Key key = key(service);
            assertEquals(key.arn() + "\n", Files.readString(ws.file("ca/" + service + "/kms-key-arn")));
            assertFalse(Files.exists(ws.file(Workspace.caKey(service))), "the CA key never leaves KMS");
            X509Certificate root = Pem.certificate(ws.file(Workspace.caCertificate(service)));
            assertEquals(key.publicKey(), root.getPublicKey());
            root.verify(key.publicKey());
            assertEquals(List.of(root), Pem.certificates(ws.file(Workspace.clientCa(service))));
            assertEquals(root, ws.loadTrustStore(service).getCertificate(service + "-ca"));
        }
        assertTrue(ws.passwords().keySet().stream().noneMatch(file -> file.endsWith("ca.key")), ws.passwords().keySet().toString());
    }

    @Test
    void eachCertificateIsOneSignOfADigestComputedLocally() {
        for (String service : Workspace.DEMO_SERVICES) {
            assertEquals(3, signCounts.get(service), "the root, the server and the client certificate of " + service);
        }
        assertEquals(6, signs.size());
        for (RecordedRequest sign : signs) {
            assertEquals("DIGEST", sign.json().get("MessageType"), sign.body());
            assertEquals("ECDSA_SHA_256", sign.json().get("SigningAlgorithm"), sign.body());
            assertEquals(32, Base64.getDecoder().decode(String.valueOf(sign.json().get("Message"))).length, "a SHA-256 digest");
        }
    }

    @Test
    void opensslVerifiesEveryChainStrictly() throws Exception {
        for (String service : Workspace.DEMO_SERVICES) {
            assertChainsVerify(ws, service, "ecdsa-with-SHA256");
        }
    }

    @ParameterizedTest
    @CsvSource({
            "p384, ECC_NIST_P384, '', ecdsa-with-SHA384",
            "rsa3072, RSA_3072, '', sha256WithRSAEncryption",
            "rsa4096, RSA_4096, RSASSA_PKCS1_V1_5_SHA_512, sha512WithRSAEncryption",
            "pss, RSA_3072, RSASSA_PSS_SHA_256, rsassaPss"})
    void opensslVerifiesStrictlyWhatEveryKeySpecAndAlgorithmIssues(String service, String keySpec, String algorithm,
                                                                   String opensslName) throws Exception {
        Path oneService = Files.writeString(temp.resolve(service + ".json"), "{\"version\": 1, \"services\": [{\"name\": \""
                + service + "\", \"host\": \"" + service + ".example.com\"}]}");
        List<String> args = new ArrayList<>(List.of("certs", "create", "--ca", "aws-kms", "--kms-key-spec", keySpec,
                "--spec", oneService.toString(), "--out", temp.resolve("ws-" + service).toString()));
        if (!algorithm.isEmpty()) {
            args.addAll(List.of("--kms-signing-algorithm", algorithm));
        }
        FakeAwsCli.runOk(aws, args.toArray(String[]::new));

        assertEquals(keySpec, key(service).keySpec());
        assertChainsVerify(Workspace.open(temp.resolve("ws-" + service), "pkcs12"), service, opensslName);
    }

    /** The root, the server chain and the client certificate pass openssl verify -x509_strict with their purposes. */
    private static void assertChainsVerify(Workspace workspace, String service, String opensslSignatureName) throws Exception {
        Path ca = workspace.file(Workspace.caCertificate(service));
        Tool.openssl("verify", "-x509_strict", "-CAfile", ca.toString(), ca.toString()).runOk();
        Tool.openssl("verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", ca.toString(),
                workspace.file(Workspace.serverChain(service)).toString()).runOk();
        Tool.openssl("verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", ca.toString(),
                workspace.file(Workspace.serverCertificate(service)).toString()).runOk();
        X509Certificate client = (X509Certificate) workspace.loadKeyStore(service).getCertificate(service);
        Path clientFile = Files.writeString(temp.resolve(workspace.root().getFileName() + "-" + service + "-client.pem"), Pem.encode(client));
        Tool.openssl("verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", ca.toString(), clientFile.toString()).runOk();
        for (Path certificate : List.of(ca, workspace.file(Workspace.serverCertificate(service)), clientFile)) {
            String text = Openssl.x509Text(certificate);
            assertTrue(text.contains("Signature Algorithm: " + opensslSignatureName), text);
        }
        assertEquals(List.of("X509v3 Basic Constraints: critical", "CA:TRUE, pathlen:0"),
                Openssl.extension(Openssl.x509Text(ca), "Basic Constraints"));
    }

    @Test
    void dryRunPrintsTheKmsCallsAndCallsNothing() {
        aws.clearRequests();
        Path out = temp.resolve("ws-dry");

        Cli.Result result = FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--signer-role", SIGNER, "--dry-run",
                "--kms-key-spec", "RSA_3072", "--out", out.toString());

        assertEquals(List.of(), aws.requests());
        assertFalse(Files.exists(out));
        assertTrue(result.out().contains("kms CreateKey alias/mtls/service-1-ca"), result.out());
        assertTrue(result.out().contains("RSA_3072 SIGN_VERIFY"), result.out());
        assertTrue(result.out().contains(SIGNER), result.out());
        assertTrue(result.out().contains("kms Sign (MessageType DIGEST) x3 alias/mtls/service-2-ca"), result.out());
    }

    @Test
    void theStoresWorkAgainstNginx() throws Exception {
        Tool.require("nginx");
        try (NginxBackends nginx = NginxBackends.start(temp.resolve("nginx"), List.of(
                NginxBackends.demoBackend("service-1", ws, "service-1")))) {
            SSLContext context = Tls.context(ws.loadKeyStore("service-1"), ws.password(ws.keyStore("service-1")).toCharArray(),
                    ws.loadTrustStore("service-1"));
            HttpResponse<String> response = Tls.get(Tls.client(context), nginx.uri("service-1").toString());
            assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
            assertEquals("{\"hello\": \"from backend service 1\"}", response.body());
        }
    }

    @Test
    void aSecondRunFindsEachKeyByItsAliasAndMakesNoOther() throws Exception {
        int keys = kms.keys().size();
        aws.clearRequests();

        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--signer-role", SIGNER, "--spec", spec.toString(),
                "--out", temp.resolve("ws-again").toString());

        assertEquals(keys, kms.keys().size());
        assertEquals(List.of(), aws.requests("CreateKey"));
        assertEquals(List.of(), aws.requests("PutKeyPolicy"), "the policy is already the one asked for");
        for (String service : Workspace.DEMO_SERVICES) {
            assertEquals(Files.readString(ws.file("ca/" + service + "/kms-key-arn")),
                    Files.readString(temp.resolve("ws-again").resolve("ca/" + service + "/kms-key-arn")));
        }
    }

    @Test
    void aSecondRunWithOtherSignersSetsTheKeyPolicyOfTheKeyItFinds() throws Exception {
        Path oneService = Files.writeString(temp.resolve("resigned.json"),
                "{\"version\": 1, \"services\": [{\"name\": \"resigned\", \"host\": \"resigned.example.com\"}]}");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--signer-role", SIGNER, "--spec", oneService.toString(),
                "--out", temp.resolve("ws-resigned-1").toString());
        String other = "arn:aws:iam::" + FakeAws.ACCOUNT_ID + ":role/other-rotator";
        aws.clearRequests();

        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--signer-role", other, "--spec", oneService.toString(),
                "--out", temp.resolve("ws-resigned-2").toString());

        assertEquals(List.of(), aws.requests("CreateKey"));
        assertEquals(1, aws.requests("PutKeyPolicy").size());
        String policy = key("resigned").policy();
        assertTrue(policy.contains(other) && !policy.contains(SIGNER), policy);
    }

    @Test
    void anAliasOfAKeyMtlsCliDidNotMakeIsNeverTakenOver() throws Exception {
        FakeKms.Key foreign = kms.createKey("ECC_NIST_P256", "SIGN_VERIFY");
        kms.createAlias("alias/mtls/foreign-ca", foreign.keyId());
        Path oneService = Files.writeString(temp.resolve("foreign.json"),
                "{\"version\": 1, \"services\": [{\"name\": \"foreign\", \"host\": \"foreign.example.com\"}]}");
        Path out = temp.resolve("ws-foreign");
        int keys = kms.keys().size();

        Cli.Result result = FakeAwsCli.run(aws, "certs", "create", "--ca", "aws-kms", "--spec", oneService.toString(), "--out", out.toString());

        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("alias/mtls/foreign-ca already names KMS key " + foreign.arn()
                + ", which mtls-cli did not make for foreign"), result.err());
        assertFalse(Files.exists(out));
        assertEquals(keys, kms.keys().size());
        assertEquals(0, kms.signCount(foreign.keyId()));
    }

    @Test
    void anAdoptedKeyIsTheCaKeyAndKeepsItsPolicy() throws Exception {
        FakeKms.Key adopted = kms.createKey("ECC_NIST_P384", "SIGN_VERIFY");
        kms.createAlias("alias/team-ca", adopted.keyId());
        Path oneService = Files.writeString(temp.resolve("adopted.json"),
                "{\"version\": 1, \"services\": [{\"name\": \"adopted\", \"host\": \"adopted.example.com\"}]}");
        int keys = kms.keys().size();
        aws.clearRequests();

        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--kms-key-id", "alias/team-ca", "--spec", oneService.toString(),
                "--out", temp.resolve("ws-adopted").toString());

        assertEquals(keys, kms.keys().size());
        assertEquals(List.of(), aws.requests("CreateKey"));
        assertEquals(List.of(), aws.requests("PutKeyPolicy"));
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(FakeKms.defaultKeyPolicy(FakeAws.ACCOUNT_ID)), json.readTree(kms.key(adopted.keyId()).policy()));
        Workspace adoptedWs = Workspace.open(temp.resolve("ws-adopted"), "pkcs12");
        assertEquals(adopted.arn() + "\n", Files.readString(adoptedWs.file("ca/adopted/kms-key-arn")));
        assertEquals(3, kms.signCount(adopted.keyId()));
        assertChainsVerify(adoptedWs, "adopted", "ecdsa-with-SHA384");
    }
}
