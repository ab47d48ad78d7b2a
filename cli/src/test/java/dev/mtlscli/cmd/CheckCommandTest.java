package dev.mtlscli.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.testing.SampleMaterial;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;
import static dev.mtlscli.cmd.BadInputCli.run;
import static dev.mtlscli.cmd.BadInputCli.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `mtls-cli check`: the workspace's own layer, through the runtime, against a real nginx on
 * loopback serving the workspace's backend certificates and requiring its clients' CA; for the
 * AWS sample's material imported, for a created workspace, and for material that does not fit.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CheckCommandTest {
    @TempDir
    static Path shared;

    private static SampleMaterial sample;
    private static Path imported;

    @TempDir
    Path temp;

    @BeforeAll
    static void importTheSample() {
        Tool.require("nginx");
        sample = SampleMaterial.create(shared.resolve("sample"), "localhost");
        imported = shared.resolve("imported");
        Path password = write(shared.resolve("sample-password"), SampleMaterial.PASSWORD + "\n");
        BadInputCli.Result result = run("certs", "import", "--out", imported.toString(),
                "--truststore", sample.file("client_truststore.jks").toString(), "--password-file", password.toString(),
                "--service", "service-1", "--keystore", sample.file("client_keystore_1.jks").toString(),
                "--service", "service-2", "--keystore", sample.file("client_keystore_2.jks").toString());
        assertEquals(0, result.exitCode(), result.err());
    }

    private static BadInputCli.Result checkImported(String... extra) {
        List<String> args = new ArrayList<>(List.of("check", "--workspace", imported.toString(),
                "--server-key", "service-1=" + sample.file("backend_service_1.key"),
                "--server-key", "service-2=" + sample.file("backend_service_2.key")));
        args.addAll(Arrays.asList(extra));
        return run(args.toArray(String[]::new));
    }

    @Test
    void theSamplesMaterialImportedAnswersThroughTheRuntimeFromABackendConfiguredAsTheSamples() {
        BadInputCli.Result result = checkImported("--sample-backend");

        assertEquals(0, result.exitCode(), result.out() + result.err());
        for (String service : List.of("service-1", "service-2")) {
            assertTrue(result.out().lines().anyMatch(line -> line.matches(service + "  ok  TLSv1\\.[23] TLS_\\S+, HTTP 200 from localhost .*")),
                    result.out());
        }
        assertFalse(result.out().contains(SampleMaterial.PASSWORD), result.out());
    }

    @Test
    void aBackendOfTls12OnlyIsNamedAsWhatWasNegotiated() throws Exception {
        BadInputCli.Result result = checkImported("--ssl-protocols", "TLSv1.2", "--service", "service-1", "--output", "json");

        assertEquals(0, result.exitCode(), result.err());
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertEquals(1, json.path("services").size(), result.out());
        JsonNode service = json.path("services").get(0);
        assertEquals("service-1", service.path("service").asText());
        assertTrue(service.path("ok").asBoolean(), result.out());
        assertEquals("TLSv1.2", service.path("protocol").asText());
        assertEquals(200, service.path("httpStatus").asInt());
    }

    @Test
    void anImportedWorkspaceWithoutTheBackendsKeyAsksForIt() {
        assertOneLineFailure(run("check", "--workspace", imported.toString(), "--service", "service-1"), ExitCodes.FAILED,
                "give --server-key service-1=FILE");
    }

    @Test
    void aCreatedWorkspaceWhoseBackendHostDoesNotResolveHereIsCheckedUnderItsOwnName() {
        Path ws = temp.resolve("ws");
        // the demo set: backend-service-N.com, names that resolve nowhere on this machine
        assertEquals(0, run("certs", "create", "--out", ws.toString()).exitCode());

        BadInputCli.Result result = run("check", "--workspace", ws.toString());

        assertEquals(0, result.exitCode(), result.out() + result.err());
        assertTrue(result.out().contains("service-1  ok  TLSv1.3"), result.out());
        assertTrue(result.out().contains("HTTP 200 from backend-service-2.com"), result.out());
    }

    @Test
    void aBackendThatTrustsAnotherServicesCaRefusesTheClientAndSaysWhy() throws Exception {
        Path ws = temp.resolve("ws");
        Workspace.create(ws, "ec-p256", "pkcs12", Workspace.writeLocalhostSpec(temp.resolve("mtls.json")));
        // service-1's backend now requires client certificates of service-2's CA
        Files.copy(ws.resolve(Workspace.clientCa("service-2")), ws.resolve(Workspace.clientCa("service-1")),
                StandardCopyOption.REPLACE_EXISTING);

        BadInputCli.Result result = run("check", "--workspace", ws.toString());

        String line = assertOneLineFailure(result, ExitCodes.FAILED, "service-1");
        assertTrue(line.contains("the backend answered HTTP 400") && line.contains("the keystore holds none of that CA")
                && line.contains("(nginx: client sent no required SSL certificate)"), line);
        assertTrue(result.out().lines().anyMatch(l -> l.startsWith("service-1  FAILED  ")), result.out());
        assertTrue(result.out().lines().anyMatch(l -> l.startsWith("service-2  ok  ")), result.out());
    }

    @Test
    void aClientStoreOfAnotherServicesCaIsRefusedBeforeAnyCall() throws Exception {
        Path ws = temp.resolve("ws");
        Workspace created = Workspace.create(ws, "ec-p256", "pkcs12", Workspace.writeLocalhostSpec(temp.resolve("mtls.json")));
        // service-1's clients get service-2's keystore, under service-1's password
        Path keyStore = ws.resolve(created.keyStore("service-1"));
        Files.copy(ws.resolve(created.keyStore("service-2")), keyStore, StandardCopyOption.REPLACE_EXISTING);
        Path passwords = ws.resolve("passwords.json");
        Files.writeString(passwords, Files.readString(passwords).replace(created.password(created.keyStore("service-1")),
                created.password(created.keyStore("service-2"))));

        assertOneLineFailure(run("check", "--workspace", ws.toString()), ExitCodes.FAILED,
                "does not verify to the CA in ca/service-1/ca.crt");
    }
}
