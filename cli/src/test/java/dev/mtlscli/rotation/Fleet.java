package dev.mtlscli.rotation;

import java.util.ArrayList;

import dev.mtlscli.testing.Cli;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.layer.LayerZip;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Workspace;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A workspace whose service-1 layer is published (version 1) to a fake AWS, and a fleet of
 * functions: some use only that layer, some use it between other layers, some do not use it.
 */
final class Fleet {
    static final String LAYER = "mtls-service-1";
    static final List<String> USERS = List.of("app-1", "app-2", "app-3", "app-4", "mixed-1", "mixed-2");
    static final List<String> BYSTANDERS = List.of("bystander-1", "bystander-2");

    final FakeAws aws;
    final Workspace ws;
    final String v1;
    final String otherA;
    final String otherB;
    /** Every function's layers when the fleet was made. */
    final Map<String, List<String>> initial = new LinkedHashMap<>();

    private Fleet(FakeAws aws, Workspace ws, String v1, String otherA, String otherB) {
        this.aws = aws;
        this.ws = ws;
        this.v1 = v1;
        this.otherA = otherA;
        this.otherB = otherB;
    }

    /** The journal of service-1's single-region rotations in this fleet's workspace. */
    Path journal() {
        return ws.root().resolve("rotations/service-1.jsonl");
    }

    static Fleet create(Path dir, FakeAws aws) {
        Workspace ws = Workspace.create(dir.resolve("ws"), "ec-p256", "pkcs12", null);
        FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", ws.root().toString(), "--service", "service-1",
                "--grant-account", "111122223333");
        String v1 = aws.lambda().layerVersions(LAYER).get(0).layerVersionArn();
        byte[] zip = LayerZip.of(Map.of("other/readme.txt", "another team's layer".getBytes(StandardCharsets.UTF_8))).bytes();
        String otherA = aws.lambda().publishLayerVersion("other-a", zip).layerVersionArn();
        String otherB = aws.lambda().publishLayerVersion("other-b", zip).layerVersionArn();
        Fleet fleet = new Fleet(aws, ws, v1, otherA, otherB);
        fleet.function("app-1", List.of(v1));
        fleet.function("app-2", List.of(v1));
        fleet.function("app-3", List.of(v1));
        fleet.function("app-4", List.of(v1));
        fleet.function("mixed-1", List.of(otherA, v1, otherB));
        fleet.function("mixed-2", List.of(v1, otherA));
        fleet.function("bystander-1", List.of(otherA));
        fleet.function("bystander-2", List.of());
        return fleet;
    }

    private void function(String name, List<String> layers) {
        aws.lambda().createFunction(name, "java21", layers, Map.of("team", name.startsWith("app") ? "apps" : "other"));
        initial.put(name, layers);
    }

    /** `mtls-cli rotate --service service-1` on the fleet's workspace, against its fake AWS. */
    Cli.Result rotate(String... extra) {
        List<String> args = new ArrayList<>(List.of("rotate", "--service", "service-1", "--workspace", ws.root().toString()));
        args.addAll(List.of(extra));
        return FakeAwsCli.run(aws, args.toArray(String[]::new));
    }

    List<String> layers(String function) {
        return aws.lambda().function(function).orElseThrow().layerArns();
    }

    List<FakeLambda.LayerVersion> versions() {
        return aws.lambda().layerVersions(LAYER);
    }

    /** The service's layer in the function's list replaced by this version, every other entry as it was. */
    List<String> expectedLayers(String function, String serviceLayerVersion) {
        return initial.get(function).stream().map(arn -> arn.startsWith(v1.substring(0, v1.lastIndexOf(':') + 1))
                ? serviceLayerVersion : arn).toList();
    }

    void assertOn(String function, String serviceLayerVersion) {
        assertEquals(expectedLayers(function, serviceLayerVersion), layers(function), function);
    }

    void assertBystandersUntouched() {
        for (String bystander : BYSTANDERS) {
            assertEquals(initial.get(bystander), layers(bystander), bystander);
        }
    }
}
