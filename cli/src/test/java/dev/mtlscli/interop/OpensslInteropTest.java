package dev.mtlscli.interop;

import dev.mtlscli.testing.Openssl;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.mtlscli.testing.Workspace.DEMO_SERVICES;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * openssl reads and accepts what `certs create` writes: chains verify for the right purpose,
 * the certificate profiles of DESIGN.md decision 8 show in `openssl x509 -text`, PKCS12 stores
 * and the encrypted CA key open with the passwords of passwords.json (and only with them),
 * and secret files are 0600. Passwords reach openssl through the environment, never argv.
 */
class OpensslInteropTest {
    private static final String PASSWORD_VAR = "MTLS_TEST_PASSWORD";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    enum Variant {
        EC_P256_PKCS12("ec-p256", "pkcs12", "ecdsa-with-SHA256", "Public-Key: (256 bit)"),
        EC_P256_JKS("ec-p256", "jks", "ecdsa-with-SHA256", "Public-Key: (256 bit)"),
        EC_P384_PKCS12("ec-p384", "pkcs12", "ecdsa-with-SHA384", "Public-Key: (384 bit)"),
        RSA_2048_PKCS12("rsa-2048", "pkcs12", "sha256WithRSAEncryption", "Public-Key: (2048 bit)"),
        RSA_2048_JKS("rsa-2048", "jks", "sha256WithRSAEncryption", "Public-Key: (2048 bit)");

        final String keyAlgorithm;
        final String storeType;
        final String signatureAlgorithm;
        final String publicKey;

        Variant(String keyAlgorithm, String storeType, String signatureAlgorithm, String publicKey) {
            this.keyAlgorithm = keyAlgorithm;
            this.storeType = storeType;
            this.signatureAlgorithm = signatureAlgorithm;
            this.publicKey = publicKey;
        }

        boolean rsa() {
            return keyAlgorithm.startsWith("rsa");
        }
    }

    @TempDir
    static Path temp;

    private static final Map<Variant, Workspace> WORKSPACES = new EnumMap<>(Variant.class);

    @BeforeAll
    static void createWorkspaces() {
        Tool.require("openssl");
        for (Variant variant : Variant.values()) {
            WORKSPACES.put(variant, Workspace.create(temp.resolve(variant.name().toLowerCase()),
                    variant.keyAlgorithm, variant.storeType, null));
        }
    }

    private static Workspace workspace(Variant variant) {
        return WORKSPACES.get(variant);
    }

    // ---- chains

    @ParameterizedTest
    @EnumSource(Variant.class)
    void serverCertificatesVerifyAgainstTheirCaForServerAuth(Variant variant) {
        Workspace ws = workspace(variant);
        for (String service : DEMO_SERVICES) {
            Path ca = ws.file(Workspace.caCertificate(service));
            Path server = ws.file(Workspace.serverCertificate(service));
            Tool.Result result = Tool.openssl("verify", "-x509_strict", "-purpose", "sslserver",
                    "-CAfile", ca.toString(), server.toString()).runOk();
            assertEquals(server + ": OK", result.out().trim());

            // the chain file nginx serves: leaf then CA, and the CA in it is the service's CA
            Path chain = ws.file(Workspace.serverChain(service));
            Tool.openssl("verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", ca.toString(),
                    "-untrusted", chain.toString(), chain.toString()).runOk();
            List<X509Certificate> chainCertificates = Pem.certificates(chain);
            assertEquals(List.of(Pem.certificate(server), Pem.certificate(ca)), chainCertificates, "server-chain.crt must be leaf then CA");
            assertEquals(Pem.certificate(ca), Pem.certificate(ws.file(Workspace.clientCa(service))),
                    "client-ca.crt must be the CA that signs the service's clients");
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void aServerCertificateDoesNotVerifyAgainstTheOtherServicesCa(Variant variant) {
        Workspace ws = workspace(variant);
        Tool.Result result = Tool.openssl("verify", "-CAfile", ws.file(Workspace.caCertificate("service-2")).toString(),
                ws.file(Workspace.serverCertificate("service-1")).toString()).run();
        assertNotEquals(0, result.exitCode(), result::describe);
        assertTrue(result.all().contains("unable to get local issuer certificate"), result::describe);
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void clientCertificateFromTheKeystoreVerifiesForClientAuth(Variant variant) throws IOException {
        Workspace ws = workspace(variant);
        for (String service : DEMO_SERVICES) {
            Path clientPem = exportClientCertificate(ws, service);
            Path ca = ws.file(Workspace.caCertificate(service));
            Tool.Result result = Tool.openssl("verify", "-x509_strict", "-purpose", "sslclient",
                    "-CAfile", ca.toString(), clientPem.toString()).runOk();
            assertEquals(clientPem + ": OK", result.out().trim());

            // EKU clientAuth only: it is no server certificate
            Tool.Result asServer = Tool.openssl("verify", "-purpose", "sslserver", "-CAfile", ca.toString(), clientPem.toString()).run();
            assertNotEquals(0, asServer.exitCode(), asServer::describe);
            assertTrue(asServer.all().contains("unsuitable certificate purpose"), asServer::describe);

            String other = service.equals("service-1") ? "service-2" : "service-1";
            Tool.Result wrongCa = Tool.openssl("verify", "-CAfile", ws.file(Workspace.caCertificate(other)).toString(),
                    clientPem.toString()).run();
            assertNotEquals(0, wrongCa.exitCode(), "the client certificate of " + service + " must not verify against the CA of " + other);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"EC_P256_PKCS12", "EC_P384_PKCS12", "RSA_2048_PKCS12"})
    void opensslAndKeytoolExtractTheSameClientCertificateFromAPkcs12(Variant variant) throws IOException {
        Workspace ws = workspace(variant);
        for (String service : DEMO_SERVICES) {
            String keyStore = ws.keyStore(service);
            String pem = Tool.openssl("pkcs12", "-in", ws.file(keyStore).toString(), "-passin", "env:" + PASSWORD_VAR,
                            "-nokeys", "-clcerts")
                    .env(PASSWORD_VAR, ws.password(keyStore)).runOk().out();
            assertTrue(pem.contains("friendlyName: " + service), "the key entry must be named after the service:\n" + pem);
            List<X509Certificate> fromOpenssl = Pem.certificates(pem);
            assertEquals(1, fromOpenssl.size(), pem);
            Path fromKeytool = temp.resolve("keytool-" + variant + "-" + service + ".pem");
            keytoolExport(ws, service, fromKeytool);
            assertEquals(Pem.certificate(fromKeytool), fromOpenssl.get(0));
        }
    }

    // ---- certificate profiles

    @ParameterizedTest
    @EnumSource(Variant.class)
    void serverCertificateProfile(Variant variant) {
        Workspace ws = workspace(variant);
        for (String service : DEMO_SERVICES) {
            String text = Openssl.x509Text(ws.file(Workspace.serverCertificate(service)));
            String host = "backend-" + service + ".com";
            assertAll(service + " server certificate\n" + text,
                    () -> assertTrue(Openssl.extension(text, "Subject Alternative Name").get(1).contains("DNS:" + host)),
                    () -> assertEquals("TLS Web Server Authentication", Openssl.extension(text, "Extended Key Usage").get(1)),
                    () -> assertEquals(List.of("X509v3 Basic Constraints: critical", "CA:FALSE"), Openssl.extension(text, "Basic Constraints")),
                    () -> assertEquals(List.of("X509v3 Key Usage: critical", variant.rsa() ? "Digital Signature, Key Encipherment" : "Digital Signature"),
                            Openssl.extension(text, "Key Usage")),
                    () -> assertTrue(subjectLine(text).contains("CN = " + host)),
                    () -> assertTrue(text.contains("Signature Algorithm: " + variant.signatureAlgorithm)),
                    () -> assertTrue(text.contains(variant.publicKey)),
                    () -> assertFalse(text.contains("TLS Web Client Authentication")));
            assertAuthorityKeyIdIsTheCasSubjectKeyId(text, Openssl.x509Text(ws.file(Workspace.caCertificate(service))));
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void clientCertificateProfile(Variant variant) throws IOException {
        Workspace ws = workspace(variant);
        for (String service : DEMO_SERVICES) {
            String text = Openssl.x509Text(exportClientCertificate(ws, service));
            assertAll(service + " client certificate\n" + text,
                    () -> assertEquals("TLS Web Client Authentication", Openssl.extension(text, "Extended Key Usage").get(1)),
                    () -> assertEquals(List.of("X509v3 Basic Constraints: critical", "CA:FALSE"), Openssl.extension(text, "Basic Constraints")),
                    () -> assertTrue(subjectLine(text).contains("CN = " + service + " Lambda client")),
                    () -> assertTrue(text.contains("Signature Algorithm: " + variant.signatureAlgorithm)),
                    () -> assertTrue(text.contains(variant.publicKey)),
                    () -> assertFalse(text.contains("TLS Web Server Authentication")));
            assertAuthorityKeyIdIsTheCasSubjectKeyId(text, Openssl.x509Text(ws.file(Workspace.caCertificate(service))));
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void caCertificateProfile(Variant variant) {
        Workspace ws = workspace(variant);
        for (String service : DEMO_SERVICES) {
            String text = Openssl.x509Text(ws.file(Workspace.caCertificate(service)));
            assertAll(service + " CA certificate\n" + text,
                    () -> assertEquals(List.of("X509v3 Basic Constraints: critical", "CA:TRUE, pathlen:0"), Openssl.extension(text, "Basic Constraints")),
                    () -> assertEquals(List.of("X509v3 Key Usage: critical", "Certificate Sign, CRL Sign"), Openssl.extension(text, "Key Usage")),
                    () -> assertTrue(subjectLine(text).contains("CN = " + service + " Root CA")),
                    () -> assertEquals(subjectLine(text).replace("Subject:", "Issuer:"), issuerLine(text), "a root is self-issued"),
                    () -> assertTrue(text.contains("Signature Algorithm: " + variant.signatureAlgorithm)),
                    () -> assertTrue(text.contains(variant.publicKey)),
                    () -> Openssl.extension(text, "Subject Key Identifier"),
                    () -> assertFalse(text.contains("Extended Key Usage")));
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void serialNumbersAreRandomPositiveAndAtLeast64Bits(Variant variant) throws IOException {
        Workspace ws = workspace(variant);
        List<BigInteger> serials = new ArrayList<>();
        for (String service : DEMO_SERVICES) {
            serials.add(Openssl.serial(ws.file(Workspace.caCertificate(service))));
            serials.add(Openssl.serial(ws.file(Workspace.serverCertificate(service))));
            serials.add(Openssl.serial(exportClientCertificate(ws, service)));
        }
        for (BigInteger serial : serials) {
            assertEquals(1, serial.signum(), "serial " + serial.toString(16) + " must be positive");
            // 128 random bits: fewer than 64 significant bits happens with probability 2^-64
            assertTrue(serial.bitLength() >= 64, "serial " + serial.toString(16) + " has only " + serial.bitLength() + " bits");
            assertTrue(serial.bitLength() <= 159, "serial " + serial.toString(16) + " exceeds 20 octets");
        }
        assertEquals(serials.size(), new HashSet<>(serials).size(), "serials must be unique: " + serials);
    }

    // ---- stores and keys

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"EC_P256_PKCS12", "EC_P384_PKCS12", "RSA_2048_PKCS12"})
    void opensslOpensEveryPkcs12WithItsPasswordOnly(Variant variant) {
        Workspace ws = workspace(variant);
        List<String> stores = new ArrayList<>();
        DEMO_SERVICES.forEach(service -> stores.add(ws.keyStore(service)));
        DEMO_SERVICES.forEach(service -> stores.add(ws.trustStore(service)));
        for (String store : stores) {
            Tool.Result info = Tool.openssl("pkcs12", "-in", ws.file(store).toString(), "-passin", "env:" + PASSWORD_VAR,
                    "-info", "-noout").env(PASSWORD_VAR, ws.password(store)).runOk();
            boolean trustStore = store.endsWith("/truststore.p12");
            assertEquals(trustStore ? 0 : 1, count(info.all(), "Shrouded Keybag"), store + ": key bags\n" + info.describe());
            assertEquals(trustStore ? 1 : 2, count(info.all(), "Certificate bag"), store + ": certificate bags\n" + info.describe());

            Tool.Result wrong = Tool.openssl("pkcs12", "-in", ws.file(store).toString(), "-passin", "env:" + PASSWORD_VAR, "-noout")
                    .env(PASSWORD_VAR, ws.password(store) + "x").run();
            assertNotEquals(0, wrong.exitCode(), store + " must not open with a wrong password\n" + wrong.describe());
            assertTrue(wrong.all().contains("mac verify failure") || wrong.all().contains("Mac verify error"), wrong::describe);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"EC_P256_PKCS12", "EC_P384_PKCS12", "RSA_2048_PKCS12"})
    void eachPkcs12TruststoreHoldsOnlyItsServicesCaUnderItsAlias(Variant variant) {
        Workspace ws = workspace(variant);
        for (String service : DEMO_SERVICES) {
            String pem = Tool.openssl("pkcs12", "-in", ws.file(ws.trustStore(service)).toString(), "-passin", "env:" + PASSWORD_VAR,
                            "-nokeys")
                    .env(PASSWORD_VAR, ws.password(ws.trustStore(service))).runOk().out();
            assertTrue(pem.contains("friendlyName: " + service + "-ca"), pem);
            assertEquals(List.of(Pem.certificate(ws.file(Workspace.caCertificate(service)))), Pem.certificates(pem));
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void caKeyIsEncryptedPkcs8AndOpensOnlyWithItsPassword(Variant variant) throws IOException {
        Workspace ws = workspace(variant);
        for (String service : DEMO_SERVICES) {
            String caKey = Workspace.caKey(service);
            Path keyFile = ws.file(caKey);
            List<String> lines = Files.readAllLines(keyFile, StandardCharsets.US_ASCII);
            assertEquals("-----BEGIN ENCRYPTED PRIVATE KEY-----", lines.get(0));
            assertEquals("-----END ENCRYPTED PRIVATE KEY-----", lines.get(lines.size() - 1));

            // the right password, from a 0600 file: the key opens and belongs to the CA certificate
            Path passwordFile = temp.resolve("ca-key-password-" + variant + "-" + service);
            Files.writeString(passwordFile, ws.password(caKey) + "\n", StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(passwordFile, OWNER_ONLY);
            String publicKey = Tool.openssl("pkey", "-in", keyFile.toString(), "-passin", "file:" + passwordFile, "-pubout")
                    .runOk().out();
            assertEquals(Openssl.certificatePublicKey(ws.file(Workspace.caCertificate(service))), publicKey,
                    "ca.key must hold the key of ca.crt");

            // a wrong password, from the environment
            Tool.Result wrong = Tool.openssl("pkey", "-in", keyFile.toString(), "-passin", "env:" + PASSWORD_VAR, "-noout")
                    .env(PASSWORD_VAR, "not-" + ws.password(caKey)).run();
            assertNotEquals(0, wrong.exitCode(), "ca.key must not open with a wrong password\n" + wrong.describe());

            // PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC (DESIGN: the key is encrypted, not merely encoded)
            String asn1 = Tool.openssl("asn1parse", "-in", keyFile.toString()).runOk().out();
            for (String oid : List.of(":PBES2", ":PBKDF2", ":hmacWithSHA256", ":aes-256-cbc")) {
                assertTrue(asn1.contains(oid), "ca.key should use " + oid + "\n" + asn1);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void serverKeyIsUnencryptedPkcs8MatchingTheServerCertificate(Variant variant) throws IOException {
        Workspace ws = workspace(variant);
        for (String service : DEMO_SERVICES) {
            Path keyFile = ws.file(Workspace.serverKey(service));
            assertEquals("-----BEGIN PRIVATE KEY-----", Files.readAllLines(keyFile, StandardCharsets.US_ASCII).get(0),
                    "nginx reads server.key at start without a password, so it is plain PKCS#8");
            String publicKey = Tool.openssl("pkey", "-in", keyFile.toString(), "-pubout").runOk().out();
            assertEquals(Openssl.certificatePublicKey(ws.file(Workspace.serverCertificate(service))), publicKey,
                    "server.key must hold the key of server.crt");
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void secretFilesAreOwnerOnly(Variant variant) throws IOException {
        Workspace ws = workspace(variant);
        List<String> secrets = new ArrayList<>(List.of("passwords.json"));
        for (String service : DEMO_SERVICES) {
            secrets.add(Workspace.caKey(service));
            secrets.add(Workspace.serverKey(service));
            secrets.add(ws.keyStore(service));
        }
        for (String secret : secrets) {
            assertEquals(OWNER_ONLY, Files.getPosixFilePermissions(ws.file(secret)),
                    secret + " is " + PosixFilePermissions.toString(Files.getPosixFilePermissions(ws.file(secret))));
        }
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(ws.root()),
                "the workspace holds keys and passwords, so its directory is 0700");
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void passwordsJsonNamesEveryProtectedFileWithAStrongDistinctPassword(Variant variant) {
        Workspace ws = workspace(variant);
        Set<String> expected = new HashSet<>(Set.of(Workspace.caKey("service-1"), Workspace.caKey("service-2"),
                ws.keyStore("service-1"), ws.keyStore("service-2"), ws.trustStore("service-1"), ws.trustStore("service-2")));
        assertEquals(expected, ws.passwords().keySet());
        Pattern strong = Pattern.compile("[A-Za-z0-9]{32}");
        ws.passwords().forEach((file, password) ->
                assertTrue(strong.matcher(password).matches(), "the password of " + file + " is not 32 alphanumerics"));
        assertEquals(ws.passwords().size(), new HashSet<>(ws.passwords().values()).size(), "passwords must differ");
    }

    // ---- helpers

    /**
     * The client certificate of a keystore as a PEM file: openssl pkcs12 -nokeys for PKCS12,
     * keytool -exportcert for JKS (openssl does not read JKS).
     */
    private static Path exportClientCertificate(Workspace ws, String service) throws IOException {
        Path out = temp.resolve("exported").resolve(ws.root().getFileName() + "-" + service + "-client.pem");
        if (!Files.exists(out)) {
            Files.createDirectories(out.getParent());
            String keyStore = ws.keyStore(service);
            if (ws.storeType().equals("pkcs12")) {
                String pem = Tool.openssl("pkcs12", "-in", ws.file(keyStore).toString(), "-passin", "env:" + PASSWORD_VAR,
                        "-nokeys", "-clcerts").env(PASSWORD_VAR, ws.password(keyStore)).runOk().out();
                Files.writeString(out, pem, StandardCharsets.US_ASCII);
            } else {
                keytoolExport(ws, service, out);
            }
        }
        return out;
    }

    private static void keytoolExport(Workspace ws, String service, Path out) {
        String keyStore = ws.keyStore(service);
        Tool.keytool("-exportcert", "-rfc", "-alias", service, "-keystore", ws.file(keyStore).toString(),
                        "-storetype", ws.jcaStoreType(), "-storepass:env", PASSWORD_VAR, "-file", out.toString())
                .env(PASSWORD_VAR, ws.password(keyStore)).runOk();
    }

    private static void assertAuthorityKeyIdIsTheCasSubjectKeyId(String leafText, String caText) {
        String ski = Openssl.extension(caText, "Subject Key Identifier").get(1);
        String aki = Openssl.extension(leafText, "Authority Key Identifier").get(1);
        // openssl 3 prints a bare key id, older versions prefix "keyid:"
        assertEquals(ski, aki.replaceFirst("^keyid:", ""), "the leaf's authorityKeyIdentifier must name its CA's subjectKeyIdentifier");
        // the key id alone: issuer name and serial would tie the leaf to one CA certificate (CA rollover)
        assertFalse(leafText.contains("DirName:") || leafText.lines().anyMatch(l -> l.trim().startsWith("serial:")),
                "the authorityKeyIdentifier carries only the key id");
    }

    /** The subject as openssl prints it; tests check its parts, not the order of its RDNs (see SubjectRdnOrderRegressionTest). */
    private static String subjectLine(String x509Text) {
        return x509Text.lines().map(String::trim).filter(line -> line.startsWith("Subject:")).findFirst().orElseThrow();
    }

    private static String issuerLine(String x509Text) {
        return x509Text.lines().map(String::trim).filter(line -> line.startsWith("Issuer:")).findFirst().orElseThrow();
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            count++;
        }
        return count;
    }
}
