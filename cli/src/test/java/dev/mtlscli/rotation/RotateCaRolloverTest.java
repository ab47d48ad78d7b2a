package dev.mtlscli.rotation;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `rotate --new-ca`: the two-CA bundle comes first, nothing is issued from the new CA until the
 * backend owner confirms it trusts it, and the old CA is dropped only in a later rotation.
 */
class RotateCaRolloverTest {

    @Test
    void theNewCaIsTrustedEverywhereBeforeAnythingIsIssuedFromIt(@TempDir Path temp) throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            Fleet fleet = Fleet.create(temp, aws);
            Workspace ws = fleet.ws;
            X509Certificate oldCa = Pem.certificate(ws.file(Workspace.caCertificate("service-1")));
            X509Certificate oldClient = clientCertificate(ws);

            Cli.Result prepared = rotate(aws, ws, "--new-ca");

            assertEquals(3, prepared.exitCode(), prepared.err());
            assertTrue(prepared.out().contains("--backend-trusts-new-ca"), prepared.out());
            List<X509Certificate> bundle = Pem.certificates(ws.file(Workspace.clientCa("service-1")));
            assertEquals(2, bundle.size(), "the backend's client-CA bundle holds the old and the new CA");
            assertTrue(bundle.contains(oldCa));
            X509Certificate newCa = bundle.stream().filter(ca -> !ca.equals(oldCa)).findFirst().orElseThrow();
            assertTrue(anchors(ws).containsAll(List.of(oldCa, newCa)), "the functions trust servers of both CAs");
            assertEquals(oldClient, clientCertificate(ws), "no client certificate from the new CA yet");
            String v2 = fleet.versions().get(1).layerVersionArn();
            for (String user : Fleet.USERS) {
                fleet.assertOn(user, v2);
            }

            aws.clearRequests();
            Cli.Result refused = rotate(aws, ws, "--new-ca");
            assertEquals(3, refused.exitCode(), refused.err());
            assertTrue(refused.out().contains("nothing is issued from it until the backend trusts it"), refused.out());
            assertEquals(List.of(), aws.requests("PublishLayerVersion"));
            assertEquals(List.of(), aws.requests("UpdateFunctionConfiguration"));
            assertEquals(oldClient, clientCertificate(ws));

            Cli.Result issued = rotate(aws, ws, "--new-ca", "--backend-trusts-new-ca");
            assertEquals(3, issued.exitCode(), issued.err());
            assertTrue(issued.out().contains("--complete-ca-rollover"), issued.out());
            X509Certificate newClient = clientCertificate(ws);
            newClient.verify(newCa.getPublicKey());
            assertNotEquals(oldClient, newClient);
            Pem.certificate(ws.file(Workspace.serverCertificate("service-1"))).verify(newCa.getPublicKey());
            String v3 = fleet.versions().get(2).layerVersionArn();
            for (String user : Fleet.USERS) {
                fleet.assertOn(user, v3);
            }

            rotate(aws, ws, "--complete-ca-rollover").assertExit(0, "complete the rollover");
            assertEquals(List.of(newCa), Pem.certificates(ws.file(Workspace.clientCa("service-1"))));
            assertTrue(!anchors(ws).contains(oldCa) && anchors(ws).contains(newCa), "only the new CA is trusted");
            String v4 = fleet.versions().get(3).layerVersionArn();
            for (String user : Fleet.USERS) {
                fleet.assertOn(user, v4);
            }
        }
    }

    @Test
    void completingWithoutARolloverIsRefused(@TempDir Path temp) {
        try (FakeAws aws = FakeAws.start()) {
            Fleet fleet = Fleet.create(temp, aws);
            aws.clearRequests();

            Cli.Result result = rotate(aws, fleet.ws, "--complete-ca-rollover");

            assertEquals(1, result.exitCode());
            assertEquals(1, result.errLines().size(), result.err());
            assertTrue(result.err().contains("no CA rollover of service-1 to complete"), result.err());
            assertEquals(List.of(), aws.requests("UpdateFunctionConfiguration"));
        }
    }

    private static Cli.Result rotate(FakeAws aws, Workspace ws, String... extra) {
        List<String> args = new ArrayList<>(List.of("rotate", "--service", "service-1", "--workspace", ws.root().toString()));
        args.addAll(List.of(extra));
        return FakeAwsCli.run(aws, args.toArray(String[]::new));
    }

    private static X509Certificate clientCertificate(Workspace ws) throws Exception {
        return (X509Certificate) Workspace.open(ws.root(), "pkcs12").loadKeyStore("service-1").getCertificate("service-1");
    }

    private static List<X509Certificate> anchors(Workspace ws) throws Exception {
        KeyStore trustStore = Workspace.open(ws.root(), "pkcs12").loadTrustStore("service-1");
        List<X509Certificate> anchors = new ArrayList<>();
        for (String alias : Collections.list(trustStore.aliases())) {
            anchors.add((X509Certificate) trustStore.getCertificate(alias));
        }
        return anchors;
    }
}
