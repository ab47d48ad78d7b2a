package dev.mtlscli.rotation;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
            Cli.run("certs", "rekey", "--workspace", ws.toString(), "--service", "service-1").assertExit(0, "rekey");
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
}
