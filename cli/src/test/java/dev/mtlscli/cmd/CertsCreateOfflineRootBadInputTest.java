package dev.mtlscli.cmd;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeKms;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.testing.FakeAwsCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static dev.mtlscli.cmd.BadInputCli.assertNothingWritten;
import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;
import static dev.mtlscli.cmd.BadInputCli.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `certs create --ca aws-kms --offline-root DIR` where DIR cannot hold the offline root, or
 * options that do not go with it: exit 1, one line, no workspace, no DIR (or DIR as it was), no
 * KMS key made and nothing signed. A failure after DIR was staged leaves neither behind.
 */
class CertsCreateOfflineRootBadInputTest {
    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static FakeKms kms;
    private static Path oneService;

    @BeforeAll
    static void start() {
        aws = FakeAws.start();
        kms = aws.kms();
        oneService = write(temp.resolve("one.json"),
                "{\"version\": 1, \"services\": [{\"name\": \"svc\", \"host\": \"svc.example.com\"}]}");
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    /** Refused with one line containing {@code expected}; nothing is written, no key is made, nothing is signed. */
    private static String refused(Path out, Path offlineRoot, String expected, String... extra) {
        aws.clearRequests();
        int keysBefore = kms.keys().size();
        Map<String, String> dirBefore = snapshot(offlineRoot);
        List<String> args = new ArrayList<>(List.of("certs", "create", "--ca", "aws-kms", "--spec", oneService.toString(),
                "--out", out.toString(), "--offline-root", offlineRoot.toString()));
        args.addAll(List.of(extra));

        String line = assertOneLineFailure(BadInputCli.run(FakeAwsCli.args(aws, args.toArray(String[]::new))), 1, expected);

        assertNothingWritten(out);
        assertEquals(dirBefore, snapshot(offlineRoot), "the offline root directory is as it was");
        BadInputCli.assertNoLeftoversBeside(offlineRoot);
        assertEquals(keysBefore, kms.keys().size(), "no KMS key may be made");
        assertEquals(List.of(), aws.requests("Sign").stream().filter(RecordedRequest::succeeded).toList(), "nothing may be signed");
        return line;
    }

    /** Every file under {@code dir} with its content; empty for a directory that does not exist. */
    private static Map<String, String> snapshot(Path dir) {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(file).toString(), Files.readString(file));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    private static Path fresh(String name) {
        return temp.resolve(name + "-" + System.nanoTime());
    }

    @Test
    void aDirectoryInsideTheWorkspaceIsRefused() {
        Path out = fresh("ws");
        String line = refused(out, out.resolve("offline"), "lies inside the workspace");
        assertTrue(line.contains("must be kept apart from it"), line);
    }

    @Test
    void aDirectoryThatHoldsTheWorkspaceIsRefused() {
        Path offline = fresh("offline");
        refused(offline.resolve("ws"), offline, "holds the workspace");
    }

    @Test
    void aDirectoryInsideTheLayerDirectoryIsRefused() {
        Path layer = fresh("layer");
        refused(fresh("ws"), layer.resolve("offline"), "lies inside the layer directory", "--layer-dir", layer.toString());
        assertNothingWritten(layer);
    }

    @Test
    void aSymlinkIsRefusedAndItsTargetLeftEmpty() throws IOException {
        Path target = Files.createDirectory(fresh("target"));
        Path link = Files.createSymbolicLink(fresh("link"), target);
        refused(fresh("ws"), link, "is a symbolic link");
        assertEquals(Map.of(), snapshot(target));
    }

    @Test
    void aDirectoryHoldingAnotherRootIsRefusedAndKeptAsItWas() {
        Path offline = fresh("offline");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--spec", oneService.toString(), "--out", fresh("first").toString(),
                "--offline-root", offline.toString());
        assertTrue(Files.isRegularFile(offline.resolve("svc/root.key")));

        refused(fresh("ws"), offline, "holds another offline root, which is never overwritten");
        refused(fresh("ws"), offline, "holds another offline root", "--force");
    }

    @Test
    void aNonEmptyDirectoryIsRefused() {
        Path offline = fresh("offline");
        write(offline.resolve("notes.txt"), "mine\n");
        String line = refused(fresh("ws"), offline, "is not empty; give a new or empty directory");
        assertTrue(!line.contains("another offline root"), line);
    }

    @Test
    void aFileIsRefused() {
        Path file = write(fresh("file"), "not a directory\n");
        refused(fresh("ws"), file, "exists and is not a directory");
    }

    @Test
    void withoutAwsKmsItIsRefused() {
        Path out = fresh("ws");
        Path offline = fresh("offline");
        assertOneLineFailure(BadInputCli.run("certs", "create", "--spec", oneService.toString(), "--out", out.toString(),
                "--offline-root", offline.toString()), 1, "--offline-root needs --ca aws-kms");
        assertNothingWritten(out);
        assertNothingWritten(offline);
    }

    @Test
    void aSigningAlgorithmIsRefusedBecauseTheIntermediateSignsWithItsKeysUsualOne() {
        refused(fresh("ws"), fresh("offline"), "--kms-signing-algorithm does not apply with --offline-root",
                "--kms-signing-algorithm", "ECDSA_SHA_256");
    }

    @Test
    void aFailureAfterTheDirectoryWasStagedLeavesNeitherItNorTheWorkspace() {
        FakeKms.Key key = kms.createKey("ECC_NIST_P256", "SIGN_VERIFY");
        Path out = fresh("ws");
        Path offline = fresh("offline");
        kms.tamperSignatures(true);
        try {
            String line = assertOneLineFailure(BadInputCli.run(FakeAwsCli.args(aws, "certs", "create", "--ca", "aws-kms",
                    "--spec", oneService.toString(), "--kms-key-id", key.arn(), "--out", out.toString(),
                    "--offline-root", offline.toString())), 1, "does not verify against the key's public key");
            assertTrue(line.contains(key.arn()), line);
        } finally {
            kms.tamperSignatures(false);
        }
        assertEquals(1, kms.signCount(key.keyId()), "the first leaf's signature was the last asked for");
        assertNothingWritten(out);
        assertNothingWritten(offline);
    }
}
