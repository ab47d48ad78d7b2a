package dev.mtlscli.layer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `layer list` reads back what `layer publish` put in the fake: versions, grants, expiry, pinned passwords. */
class LayerListCommandTest {
    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static Workspace ws;

    @BeforeAll
    static void publishTwoVersions() {
        aws = FakeAws.start();
        ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", ws.root().toString(), "--service", "service-1",
                "--grant-account", "111122223333");
        aws.ssm().put("/mtls/service-1/keystore-password", "a-password-changed-by-hand-in-ssm", true);
        FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", ws.root().toString(), "--service", "service-1",
                "--grant-org", "o-a1b2c3d4e5");
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void jsonShowsEachVersionWithItsGrantsExpiryAndPinnedParameters() throws Exception {
        Cli.Result result = FakeAwsCli.runOk(aws, "layer", "list", "--service", "service-1", "--output", "json");

        JsonNode versions = new ObjectMapper().readTree(result.out()).path("layers").get(0).path("versions");
        assertEquals(2, versions.size(), result.out());
        JsonNode newest = versions.get(0);
        JsonNode oldest = versions.get(1);
        assertEquals(2, newest.path("version").asInt(), "newest first");
        assertEquals("o-a1b2c3d4e5", newest.path("grants").get(0).path("organizationId").asText());
        assertEquals("mtls-cli-account-111122223333", oldest.path("grants").get(0).path("statementId").asText());
        assertEquals("111122223333", oldest.path("grants").get(0).path("principal").asText());
        assertEquals("/mtls/service-1/keystore-password:3", newest.path("manifests").get(0).path("keyStorePasswordParameter").asText());
        assertEquals("/mtls/service-1/keystore-password:1", oldest.path("manifests").get(0).path("keyStorePasswordParameter").asText());

        X509Certificate client = (X509Certificate) ws.loadKeyStore("service-1").getCertificate("service-1");
        assertEquals(client.getNotAfter().toInstant().toString(), newest.path("manifests").get(0).path("notAfter").asText());
        long daysLeft = newest.path("manifests").get(0).path("daysLeft").asLong();
        assertTrue(daysLeft >= 363 && daysLeft <= 365, "a 365-day certificate made today: " + daysLeft);
    }

    @Test
    void textIsATablePerLayer() {
        Cli.Result result = FakeAwsCli.runOk(aws, "layer", "list", "--workspace", ws.root().toString());

        assertTrue(result.out().contains("mtls-service-1\n"), result.out());
        assertTrue(result.out().contains("account 111122223333"), result.out());
        assertTrue(result.out().contains("organization o-a1b2c3d4e5"), result.out());
        assertTrue(result.out().contains("/mtls/service-1/keystore-password:3, /mtls/service-1/truststore-password:1"), result.out());
        assertTrue(result.out().contains("mtls-service-2: no versions"), result.out());
    }
}
