package dev.mtlscli.rotator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.scheduled.DesiredState;
import dev.mtlscli.scheduled.DesiredStateTable;
import dev.mtlscli.scheduled.ScheduleExport;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.testing.Workspace;
import dev.mtlscli.workspace.ExistingWorkspace;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A KMS-CA workspace made with `certs create --ca aws-kms` against a fresh fake AWS, its services
 * published and used by functions, their desired states written to the state table, and a
 * {@link Rotator} pointed at the fake: what a scheduled run finds in AWS.
 */
final class RotatorFixture implements AutoCloseable {
    static final String TABLE = "mtls-rotator";
    static final ObjectMapper JSON = new ObjectMapper();

    static {
        FakeAwsCli.credentials();
    }

    final FakeAws aws;
    final Path workspace;
    final ByteArrayOutputStream metrics = new ByteArrayOutputStream();
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private RotatorFixture(FakeAws aws, Path workspace) {
        this.aws = aws;
        this.workspace = workspace;
    }

    /** The services published as version 1 of mtls-&lt;service&gt;, each used by the functions named. */
    static RotatorFixture create(Path dir, Map<String, List<String>> consumers, boolean verifyInvoke) {
        return create(FakeAws.start(), dir, List.of("--ca", "aws-kms"), consumers, verifyInvoke, List.of(), null);
    }

    /**
     * The same on a fake of the test's (several regions or accounts), the workspace's CA made with
     * these options of certs create, in the desired states the home account-region of the fake
     * followed by {@code moreTargets} and the retention policy {@code pruneGraceDays}.
     */
    static RotatorFixture create(FakeAws aws, Path dir, List<String> caOptions, Map<String, List<String>> consumers,
                                 boolean verifyInvoke, List<DesiredState.Target> moreTargets, Integer pruneGraceDays) {
        aws.dynamoDb().createTable(TABLE, "scope");
        Path workspace = dir.resolve("ws");
        List<String> create = new ArrayList<>(List.of("certs", "create"));
        create.addAll(caOptions);
        create.addAll(List.of("--out", workspace.toString()));
        FakeAwsCli.runOk(aws, create.toArray(String[]::new));
        RotatorFixture fixture = new RotatorFixture(aws, workspace);
        List<DesiredState.Target> targets = new ArrayList<>();
        targets.add(new DesiredState.Target(FakeAws.ACCOUNT_ID, aws.region(), null));
        targets.addAll(moreTargets);
        try (DynamoDbClient dynamo = FakeAwsCli.dynamoDb(aws, aws.region())) {
            for (Map.Entry<String, List<String>> service : consumers.entrySet()) {
                FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", workspace.toString(), "--service", service.getKey());
                String v1 = fixture.versions(service.getKey()).get(0).layerVersionArn();
                for (String function : service.getValue()) {
                    aws.lambda().createFunction(function, "java21", List.of(v1), Map.of());
                }
                DesiredState state = ScheduleExport.from(ExistingWorkspace.open(workspace), service.getKey(), new ScheduleExport.Choices(
                        layer(service.getKey()), "/mtls/" + service.getKey() + "/", null, List.of(), Map.of(),
                        targets, null, null, 1, verifyInvoke, pruneGraceDays));
                new DesiredStateTable(dynamo, TABLE).write(state, null, "test", Instant.now());
            }
        }
        return fixture;
    }

    static String layer(String service) {
        return "mtls-" + service;
    }

    RotatorSettings settings(List<String> services, String parameterPrefix) {
        return new RotatorSettings(new AwsSettings(aws.region(), null, aws.endpoint(), Map.of()), TABLE, parameterPrefix, "mtls-cli",
                "default", services, Duration.ofSeconds(30), SCHEDULE_PERIOD);
    }

    /** The period the fixture's rotator is told its schedule has. */
    static final Duration SCHEDULE_PERIOD = Duration.ofHours(12);

    /** The last-run record the rotator's report left for a service. */
    java.util.Optional<dev.mtlscli.scheduled.RunRecord> runRecord(String service) {
        try (DynamoDbClient dynamo = FakeAwsCli.dynamoDb(aws, aws.region())) {
            return new dev.mtlscli.scheduled.RunRecordTable(dynamo, TABLE).read(service);
        }
    }

    Rotator rotator(List<String> services, Clock clock) {
        return rotator(services, clock, "/mtls");
    }

    Rotator rotator(List<String> services, Clock clock, String parameterPrefix) {
        return new Rotator(settings(services, parameterPrefix), clock, new PrintStream(metrics, true, StandardCharsets.UTF_8),
                new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    /** A clock this far into the life of the service's current certificate. */
    Clock atLifetime(String service, double fraction) {
        X509Certificate certificate = clientCertificate(service);
        Instant notBefore = certificate.getNotBefore().toInstant();
        long lifetime = Duration.between(notBefore, certificate.getNotAfter().toInstant()).toSeconds();
        Instant at = notBefore.plusSeconds((long) (lifetime * fraction));
        return Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), at));
    }

    X509Certificate clientCertificate(String service) {
        return clientCertificate(workspace, service);
    }

    static X509Certificate clientCertificate(Path workspace, String service) {
        try {
            return (X509Certificate) Workspace.open(workspace, "pkcs12").loadKeyStore(service).getCertificate(service);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<FakeLambda.LayerVersion> versions(String service) {
        return aws.lambda().layerVersions(layer(service));
    }

    List<String> layersOf(String function) {
        return aws.lambda().function(function).orElseThrow().layerArns();
    }

    /** The EMF documents written so far, one per line. */
    List<JsonNode> metricLines() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : metrics.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (Exception e) {
                    throw new AssertionError("not a JSON line on the metrics stream: " + line, e);
                }
            }
        }
        return lines;
    }

    JsonNode lastMetricsOf(String service) {
        List<JsonNode> lines = metricLines().stream().filter(line -> service.equals(line.path("Service").asText(null))).toList();
        assertTrue(!lines.isEmpty(), "an EMF line for " + service + " in " + metrics);
        return lines.get(lines.size() - 1);
    }

    /** The keystore of a published version, opened with the password version its manifest pins. */
    KeyStore keyStoreOf(String service, long version) throws Exception {
        byte[] zip = FakeAwsCli.layerContent(aws, layer(service), version);
        LayerManifest manifest = LayerZips.manifest(zip, service);
        try (SsmClient ssm = FakeAwsCli.ssm(aws)) {
            String password = ssm.getParameters(b -> b.names(manifest.keyStore().password().selector()).withDecryption(true))
                    .parameters().get(0).value();
            KeyStore keyStore = KeyStore.getInstance(manifest.keyStore().type());
            keyStore.load(new ByteArrayInputStream(LayerZips.unzip(zip).get("mtls/" + service + "/" + manifest.keyStore().file())),
                    password.toCharArray());
            return keyStore;
        }
    }

    /**
     * Every consumer is on a published version whose pinned password opens its keystore: what no
     * moment of a rotation may break.
     */
    void assertEveryConsumerOnAnOpenableVersion(String service, List<String> consumers) throws Exception {
        for (String function : consumers) {
            String on = layersOf(function).stream().filter(arn -> arn.contains(":layer:" + layer(service) + ":")).findFirst().orElseThrow();
            FakeLambda.LayerVersion version = versions(service).stream().filter(v -> v.layerVersionArn().equals(on)).findFirst()
                    .orElseThrow(() -> new AssertionError(function + " is on " + on + ", which is not published"));
            assertEquals(1, java.util.Collections.list(keyStoreOf(service, version.version()).aliases()).size(), function + " on " + on);
        }
    }

    @Override
    public void close() {
        aws.close();
    }
}
