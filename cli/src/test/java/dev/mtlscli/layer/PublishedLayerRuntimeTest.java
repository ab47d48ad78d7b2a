package dev.mtlscli.layer;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.runtime.secrets.SsmPasswords;
import dev.mtlscli.runtime.tls.TlsPolicy;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The whole path of a published layer: `layer publish` to the fake AWS, the zip downloaded from
 * Lambda's Content.Location and unpacked as Lambda would under /opt, then the runtime library
 * reads its manifest, fetches the pinned passwords from SSM over the wire and calls a real nginx
 * with mutual TLS.
 */
class PublishedLayerRuntimeTest {

    @Test
    void aFunctionWithThePublishedLayerCallsTheBackend(@TempDir Path temp) throws Exception {
        Tool.require("nginx");
        Workspace ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", Workspace.writeLocalhostSpec(temp.resolve("mtls.json")));
        try (FakeAws aws = FakeAws.start();
             NginxBackends nginx = NginxBackends.start(temp.resolve("nginx"), List.of(
                     NginxBackends.demoBackend("service-2", ws, "service-2")))) {
            FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", ws.root().toString(), "--service", "service-2");

            Path opt = temp.resolve("opt");
            for (Map.Entry<String, byte[]> file : LayerZips.unzip(FakeAwsCli.layerContent(aws, "mtls-service-2", 1)).entrySet()) {
                Path target = opt.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, file.getValue());
            }
            try (SsmClient ssm = FakeAwsCli.ssm(aws)) {
                MtlsClients clients = MtlsClients.builder().layerRoot(opt).tlsPolicy(TlsPolicy.DEFAULT)
                        .passwords(new SsmPasswords(ssm)).services("service-2").build();

                HttpResponse<String> response = clients.client("service-2").get(nginx.uri("service-2"));

                assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
                assertEquals("{\"hello\": \"from backend service 2\"}", response.body());
                assertEquals(List.of("/mtls/service-2/keystore-password:1", "/mtls/service-2/truststore-password:1"),
                        aws.requests("GetParameters").get(0).json().get("Names"));
            }
        }
    }
}
