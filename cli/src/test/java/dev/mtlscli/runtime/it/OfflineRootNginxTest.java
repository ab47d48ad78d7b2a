package dev.mtlscli.runtime.it;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.runtime.MtlsClient;
import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.runtime.tls.TlsPolicy;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tls;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two-level layout of `certs create --ca aws-kms --offline-root DIR` end to end: the layer it
 * writes, read by the runtime (MtlsClients), against a real nginx whose ssl_client_certificate is
 * the workspace's client-CA bundle, the offline root alone. The client is accepted because its
 * chain carries the KMS intermediate; the same leaf without it is refused.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OfflineRootNginxTest {
    private static final String DEPTH_2 = "service-1 ssl_verify_depth 2";
    private static final String DEPTH_1 = "service-1 as the AWS sample ships it, ssl_verify_depth 1";

    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static LayerWorkspace layer;
    private static NginxBackends nginx;

    @BeforeAll
    static void start() {
        Tool.require("nginx");
        aws = FakeAws.start();
        Path spec = Workspace.writeLocalhostSpec(temp.resolve("mtls.json"));
        Path out = temp.resolve("workspace");
        Path layerDir = temp.resolve("layer");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--offline-root", temp.resolve("offline-root").toString(),
                "--spec", spec.toString(), "--out", out.toString(), "--layer-dir", layerDir.toString());
        layer = new LayerWorkspace(Workspace.open(out, "pkcs12"), layerDir);
        Workspace ws = layer.workspace();
        nginx = NginxBackends.start(temp.resolve("nginx"), List.of(
                NginxBackends.demoBackend(DEPTH_2, ws, "service-1"),
                NginxBackends.sampleBackend(DEPTH_1, ws, "service-1", null)));
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (aws != null) {
            aws.close();
        }
    }

    private static MtlsClient runtimeClient() {
        return MtlsClients.builder().layerRoot(layer.layer()).tlsPolicy(TlsPolicy.DEFAULT).passwords(layer.passwords())
                .services("service-1").build().client("service-1");
    }

    @Test
    void nginxWithVerifyDepth2AcceptsTheRuntimesClientWhoseChainCarriesTheIntermediate() throws Exception {
        HttpResponse<String> response = runtimeClient().get(nginx.uri(DEPTH_2));

        assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
        assertEquals("{\"hello\": \"from backend service 1\"}", response.body());
        Certificate[] sent = response.sslSession().orElseThrow().getLocalCertificates();
        X509Certificate intermediate = Pem.certificates(layer.workspace().file(Workspace.caCertificate("service-1"))).get(0);
        assertTrue(sent.length >= 2 && sent[1].equals(intermediate), "the client sends the KMS intermediate after its leaf");
        Certificate[] served = response.sslSession().orElseThrow().getPeerCertificates();
        assertEquals(intermediate, served[1], "the server chain carries the intermediate too");
    }

    /**
     * OpenSSL 1.1.0 and later leave the trust anchor out of the verify depth, so the AWS sample's
     * ssl_verify_depth 1 allows one intermediate: docs/certs.md says so, and this keeps it true
     * for the nginx and OpenSSL the tests run with.
     */
    @Test
    void nginxAsTheSampleShipsItWithVerifyDepth1AlsoAcceptsOneIntermediateOnOpenssl3() throws Exception {
        String version = Tool.of(Tool.require("nginx").toString(), "-V").run().err();
        assertTrue(version.contains("OpenSSL 3") || version.contains("OpenSSL 1.1"), version);

        HttpResponse<String> response = runtimeClient().get(nginx.uri(DEPTH_1));

        assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
    }

    @Test
    void mtlsCliCheckPassesOnTheTwoLevelWorkspaceWithAndWithoutTheSamplesSettings() {
        String workspace = layer.workspace().root().toString();

        String checked = Cli.runOk("check", "--workspace", workspace).out();
        String asTheSample = Cli.runOk("check", "--workspace", workspace, "--sample-backend").out();

        for (String out : List.of(checked, asTheSample)) {
            assertTrue(out.contains("service-1  ok  ") && out.contains("service-2  ok  "), out);
        }
    }

    @Test
    void theSameLeafWithoutTheIntermediateIsRefusedBecauseNginxTrustsOnlyTheRoot() throws Exception {
        Workspace ws = layer.workspace();
        char[] password = ws.password(ws.keyStore("service-1")).toCharArray();
        KeyStore full = ws.loadKeyStore("service-1");
        Certificate leaf = full.getCertificate("service-1");
        KeyStore leafOnly = KeyStore.getInstance("PKCS12");
        leafOnly.load(null, null);
        leafOnly.setKeyEntry("service-1", (PrivateKey) full.getKey("service-1", password), password, new Certificate[] {leaf});
        assertArrayEquals(new Certificate[] {leaf}, leafOnly.getCertificateChain("service-1"));

        HttpResponse<String> response = Tls.get(Tls.client(Tls.contextAlwaysPresenting(leafOnly, password, "service-1",
                ws.loadTrustStore("service-1"))), nginx.uri(DEPTH_2).toString());

        assertEquals(400, response.statusCode(), response.body());
        assertTrue(nginx.errorLog().contains("client SSL certificate verify error: (21:unable to verify the first certificate)"),
                nginx.errorLog());
    }
}
