package dev.mtlscli.rotation;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A workspace issued by ACM Private CA rotates through it: the new client certificate comes from the private CA. */
class RotateAcmPcaTest {

    @Test
    void theNewClientCertificateIsIssuedByThePrivateCaTheWorkspaceRecorded(@TempDir Path temp) throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            String caArn = aws.acmPca().createRootCa("EC_prime256v1", "mtls-cli rotation private CA");
            Path dir = temp.resolve("ws");
            FakeAwsCli.runOk(aws, "certs", "create", "--ca", "acm-pca", "--ca-arn", caArn, "--out", dir.toString());
            FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", dir.toString(), "--service", "service-2");
            String v1 = aws.lambda().layerVersions("mtls-service-2").get(0).layerVersionArn();
            aws.lambda().createFunction("orders", "java21", List.of(v1), Map.of());
            aws.clearRequests();

            FakeAwsCli.runOk(aws, "rotate", "--service", "service-2", "--workspace", dir.toString(), "--force");

            List<RecordedRequest> issued = aws.requests("IssueCertificate");
            assertEquals(1, issued.size(), "only the client certificate is renewed");
            assertEquals("arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1", issued.get(0).json().get("TemplateArn"));
            X509Certificate client = (X509Certificate) Workspace.open(dir, "pkcs12").loadKeyStore("service-2").getCertificate("service-2");
            client.verify(aws.acmPca().caCertificate(caArn).getPublicKey());
            String v2 = aws.lambda().layerVersions("mtls-service-2").get(1).layerVersionArn();
            assertEquals(List.of(v2), aws.lambda().function("orders").orElseThrow().layerArns());
        }
    }
}
