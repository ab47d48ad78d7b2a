package dev.mtlscli.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.pki.Fingerprints;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The order the migration guide gives after `certs rekey`: publish, move the functions with
 * rotate (which renews nothing: the re-keyed certificate is new), then delete the old version.
 */
class RekeyThenRotateTest {
    @TempDir
    Path temp;

    @Test
    void rekeyedMaterialIsPublishedTheFunctionsMoveAndTheOldVersionIsPruned() throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            Fleet fleet = Fleet.create(temp, aws);
            Path ws = fleet.ws.root();
            X509Certificate before = Pem.certificate(fleet.ws.file(Workspace.serverCertificate("service-1")));
            Cli.Result rekey = Cli.run("certs", "rekey", "--workspace", ws.toString(), "--service", "service-1", "--output", "json")
                    .assertExit(0, "rekey");
            JsonNode report = new ObjectMapper().readTree(rekey.out());
            assertEquals(1, report.path("services").size(), rekey.out());
            JsonNode service = report.path("services").get(0);
            assertEquals("service-1", service.path("name").asText());
            assertFalse(service.path("newCa").asBoolean());
            assertEquals(service.path("ca").asText(), service.path("previousCa").asText());
            assertNotEquals(service.path("client").asText(), service.path("previousClient").asText());
            assertEquals(Fingerprints.sha256(before), service.path("previousServer").asText());
            Workspace after = Workspace.open(ws, "pkcs12");
            for (String password : after.passwords().values()) {
                assertFalse(rekey.out().contains(password), "no password in the report");
            }
            byte[] rekeyed = Files.readAllBytes(fleet.ws.file(fleet.ws.keyStore("service-1")));

            FakeAwsCli.run(aws, "layer", "publish", "--workspace", ws.toString(), "--service", "service-1").assertExit(0, "publish");
            assertEquals(2, fleet.versions().size());
            String v2 = fleet.versions().get(1).layerVersionArn();
            Cli.Result moved = fleet.rotate().assertExit(0, "rotate");
            for (String user : Fleet.USERS) {
                fleet.assertOn(user, v2);
            }
            fleet.assertBystandersUntouched();
            assertEquals(2, fleet.versions().size(), "rotate published nothing: " + moved.out());
            assertArrayEquals(rekeyed, Files.readAllBytes(fleet.ws.file(fleet.ws.keyStore("service-1"))), "rotate renewed nothing");

            fleet.rotate("--prune", "--grace-days", "0").assertExit(0, "prune");
            assertFalse(aws.lambda().layerVersion(fleet.v1).isPresent(), "the version with the old keys is deleted");
            assertTrue(aws.lambda().layerVersion(v2).isPresent());
            assertEquals(List.of(v2), fleet.versions().stream().map(v -> v.layerVersionArn()).toList());
        }
    }

    @Test
    void afterARekeyWithANewCaRotateCompletesTheRolloverAndTheOldCaIsTrustedNoMore() throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            Fleet fleet = Fleet.create(temp, aws);
            Path ws = fleet.ws.root();
            X509Certificate oldCa = Pem.certificate(fleet.ws.file(Workspace.caCertificate("service-1")));
            Cli.run("certs", "rekey", "--workspace", ws.toString(), "--service", "service-1", "--new-ca").assertExit(0, "rekey");
            X509Certificate newCa = Pem.certificate(fleet.ws.file(Workspace.caCertificate("service-1")));
            assertEquals(List.of(oldCa, newCa), Pem.certificates(fleet.ws.file(Workspace.clientCa("service-1"))));

            FakeAwsCli.run(aws, "layer", "publish", "--workspace", ws.toString(), "--service", "service-1").assertExit(0, "publish");
            fleet.rotate().assertExit(0, "rotate");
            fleet.rotate("--complete-ca-rollover").assertExit(0, "complete the rollover");

            assertEquals(List.of(newCa), Pem.certificates(fleet.ws.file(Workspace.clientCa("service-1"))), "the backend drops the old CA");
            Workspace after = Workspace.open(ws, "pkcs12");
            java.security.KeyStore trustStore = after.loadTrustStore("service-1");
            assertEquals(List.of("service-1-ca"), java.util.Collections.list(trustStore.aliases()));
            assertEquals(newCa, trustStore.getCertificate("service-1-ca"));
            String newest = fleet.versions().get(fleet.versions().size() - 1).layerVersionArn();
            for (String user : Fleet.USERS) {
                fleet.assertOn(user, newest);
            }
        }
    }
}
