package dev.mtlscli.interop;

import dev.mtlscli.testing.Openssl;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.mtlscli.testing.Workspace.DEMO_SERVICES;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * keytool, the JDK's own reader, lists every keystore and truststore `certs create` writes, in
 * both store types, and finds the entries the Lambda runtime will look for. The store password
 * reaches keytool through -storepass:env, never argv.
 */
class KeytoolInteropTest {
    private static final String PASSWORD_VAR = "MTLS_TEST_STOREPASS";

    @TempDir
    static Path temp;

    private static final Map<String, Workspace> WORKSPACES = new LinkedHashMap<>();

    @BeforeAll
    static void createWorkspaces() {
        Tool.require("openssl");
        for (String storeType : List.of("pkcs12", "jks")) {
            WORKSPACES.put(storeType, Workspace.create(temp.resolve(storeType), "ec-p256", storeType, null));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pkcs12", "jks"})
    void keystoreHoldsOnePrivateKeyEntryNamedAfterTheServiceWithLeafAndCa(String storeType) {
        Workspace ws = WORKSPACES.get(storeType);
        for (String service : DEMO_SERVICES) {
            String keyStore = ws.keyStore(service);
            String listing = list(ws, keyStore).out();
            Map<String, String> entries = entries(listing);
            String entry = entries.get(service);
            String caFingerprint = Openssl.sha256Fingerprint(ws.file(Workspace.caCertificate(service)));
            assertAll(keyStore + "\n" + listing,
                    () -> assertTrue(listing.contains("Keystore type: " + ws.jcaStoreType())),
                    () -> assertTrue(listing.contains("Your keystore contains 1 entry")),
                    () -> assertEquals(List.of(service), List.copyOf(entries.keySet())),
                    () -> assertTrue(entry.contains("Entry type: PrivateKeyEntry")),
                    () -> assertTrue(entry.contains("Certificate chain length: 2")),
                    () -> assertTrue(certificate(entry, 1).contains("CN=" + service + " Lambda client"), "leaf first"),
                    () -> assertTrue(certificate(entry, 2).contains("CN=" + service + " Root CA"), "then its CA"),
                    () -> assertTrue(certificate(entry, 2).contains("SHA256: " + caFingerprint),
                            "the CA in the chain is ca/" + service + "/ca.crt (" + caFingerprint + ")"),
                    () -> assertTrue(certificate(entry, 1).contains("Signature algorithm name: SHA256withECDSA")),
                    () -> assertTrue(certificate(entry, 1).contains("256-bit EC (secp256r1) key")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pkcs12", "jks"})
    void eachServicesTruststoreHoldsOnlyThatServicesCaAsATrustedCertEntry(String storeType) {
        Workspace ws = WORKSPACES.get(storeType);
        for (String service : DEMO_SERVICES) {
            String listing = list(ws, ws.trustStore(service)).out();
            Map<String, String> entries = entries(listing);
            assertTrue(listing.contains("Keystore type: " + ws.jcaStoreType()), listing);
            assertTrue(listing.contains("Your keystore contains 1 entry"), listing);
            assertEquals(List.of(service + "-ca"), List.copyOf(entries.keySet()), listing);
            String entry = entries.get(service + "-ca");
            String caFingerprint = Openssl.sha256Fingerprint(ws.file(Workspace.caCertificate(service)));
            assertAll(service + "-ca\n" + entry,
                    () -> assertTrue(entry.contains("Entry type: trustedCertEntry")),
                    () -> assertTrue(entry.contains("CN=" + service + " Root CA")),
                    () -> assertTrue(entry.contains("SHA256: " + caFingerprint)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pkcs12", "jks"})
    void aWrongStorePasswordIsRefused(String storeType) {
        Workspace ws = WORKSPACES.get(storeType);
        for (String store : List.of(ws.keyStore("service-1"), ws.trustStore("service-1"))) {
            Tool.Result result = Tool.keytool("-list", "-keystore", ws.file(store).toString(), "-storetype", ws.jcaStoreType(),
                    "-storepass:env", PASSWORD_VAR).env(PASSWORD_VAR, ws.password(store) + "x").run();
            assertNotEquals(0, result.exitCode(), result::describe);
            assertTrue(result.all().contains("password was incorrect"), result::describe);
        }
    }

    private static Tool.Result list(Workspace ws, String store) {
        return Tool.keytool("-list", "-v", "-keystore", ws.file(store).toString(), "-storetype", ws.jcaStoreType(),
                "-storepass:env", PASSWORD_VAR).env(PASSWORD_VAR, ws.password(store)).runOk();
    }

    /** The `keytool -list -v` output per alias. */
    private static Map<String, String> entries(String listing) {
        Map<String, String> entries = new LinkedHashMap<>();
        String[] blocks = listing.split("(?m)^Alias name: ");
        for (int i = 1; i < blocks.length; i++) {
            String block = blocks[i];
            entries.put(block.lines().findFirst().orElseThrow().trim(), block);
        }
        return entries;
    }

    /** The part of an entry that describes Certificate[index] of its chain (1 is the leaf). */
    private static String certificate(String entry, int index) {
        int start = entry.indexOf("Certificate[" + index + "]:");
        assertTrue(start >= 0, "no Certificate[" + index + "] in\n" + entry);
        int end = entry.indexOf("Certificate[" + (index + 1) + "]:", start);
        return end < 0 ? entry.substring(start) : entry.substring(start, end);
    }
}
