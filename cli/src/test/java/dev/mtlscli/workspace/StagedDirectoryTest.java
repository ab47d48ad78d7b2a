package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.pki.KeyAlgorithm;
import dev.mtlscli.spec.ResolvedSpec;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.StoreType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The output directory appears whole or not at all, and an existing one is replaced only when asked. */
class StagedDirectoryTest {

    @TempDir
    Path parent;

    private Path target() {
        return parent.resolve("out");
    }

    private static void fill(Path root) throws IOException {
        Files.createDirectories(root.resolve("ca/svc"));
        Files.writeString(root.resolve("ca/svc/ca.crt"), "cert");
        Files.writeString(root.resolve("passwords.json"), "{}");
    }

    /** A target that an earlier run made, so that --force may replace it. */
    private void madeByAnEarlierRun() {
        try (StagedDirectory staged = StagedDirectory.open(target(), false, OutputKind.WORKSPACE)) {
            fill(staged.path());
            staged.commit();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<String> parentEntries() throws IOException {
        try (Stream<Path> entries = Files.list(parent)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> tree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void stagingIsAPrivateHiddenSiblingAndTheTargetDoesNotExistYet() throws IOException {
        try (StagedDirectory staged = StagedDirectory.open(target(), false, OutputKind.WORKSPACE)) {
            Path staging = staged.path();
            assertTrue(Files.isDirectory(staging));
            assertEquals(parent.toAbsolutePath(), staging.toAbsolutePath().getParent(), "a sibling, so the rename stays on one file system");
            assertTrue(staging.getFileName().toString().startsWith(".out.staging-"), staging.toString());
            assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(staging));
            assertFalse(Files.exists(target()));
            assertEquals(target().toAbsolutePath(), staged.target());
        }
    }

    @Test
    void commitMovesTheContentIntoPlaceAndLeavesNothingBeside() throws IOException {
        try (StagedDirectory staged = StagedDirectory.open(target(), false, OutputKind.WORKSPACE)) {
            fill(staged.path());
            assertFalse(Files.exists(target()), "nothing visible before commit");
            staged.commit();
        }
        assertEquals(List.of(".mtls-cli-files", ".mtls-cli-workspace", ".mtls-cli.lock", "ca", "ca/svc", "ca/svc/ca.crt", "passwords.json"), tree(target()));
        assertEquals(List.of("out"), parentEntries());
    }

    @Test
    void closeWithoutCommitRemovesTheStagingAndWritesNothing() throws IOException {
        Path staging;
        try (StagedDirectory staged = StagedDirectory.open(target(), false, OutputKind.WORKSPACE)) {
            staging = staged.path();
            fill(staging);
        }
        assertFalse(Files.exists(staging));
        assertFalse(Files.exists(target()));
        assertEquals(List.of(), parentEntries());
    }

    @Test
    void aFailureInsideTheBlockLeavesNothing() {
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> {
            try (StagedDirectory staged = StagedDirectory.open(target(), false, OutputKind.WORKSPACE)) {
                fill(staged.path());
                throw new IllegalStateException("issuance failed");
            }
        });
        assertEquals("issuance failed", failure.getMessage());
        assertFalse(Files.exists(target()));
        assertTrue(parent.toFile().list().length == 0, "no staging directory left");
    }

    @Test
    void nonEmptyTargetIsRefusedWithoutForceBeforeAnythingIsCreated() throws IOException {
        fill(target());
        List<String> before = tree(target());

        MtlsException e = assertThrows(MtlsException.class, () -> StagedDirectory.open(target(), false, OutputKind.WORKSPACE));

        assertTrue(e.getMessage().contains("already exists and is not empty"), e.getMessage());
        assertEquals(before, tree(target()));
        assertEquals("cert", Files.readString(target().resolve("ca/svc/ca.crt")));
        assertEquals(List.of("out"), parentEntries(), "no staging directory was created");
    }

    @Test
    void targetThatIsAFileIsRefused() throws IOException {
        Files.writeString(target(), "x");
        MtlsException e = assertThrows(MtlsException.class, () -> StagedDirectory.open(target(), true, OutputKind.WORKSPACE));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
        assertEquals("x", Files.readString(target()));
        assertEquals(List.of("out"), parentEntries());
    }

    @Test
    void emptyTargetIsUsedWithoutForce() throws IOException {
        Files.createDirectories(target());
        try (StagedDirectory staged = StagedDirectory.open(target(), false, OutputKind.WORKSPACE)) {
            fill(staged.path());
            staged.commit();
        }
        assertEquals(List.of(".mtls-cli-files", ".mtls-cli-workspace", ".mtls-cli.lock", "ca", "ca/svc", "ca/svc/ca.crt", "passwords.json"), tree(target()));
        assertEquals(List.of("out"), parentEntries());
    }

    @Test
    void forceReplacesTheTargetOnCommitAndRemovesTheOldCopy() throws IOException {
        try (StagedDirectory earlier = StagedDirectory.open(target(), false, OutputKind.WORKSPACE)) {
            fill(earlier.path());
            Files.createDirectories(earlier.path().resolve("clients/stale"));
            Files.writeString(earlier.path().resolve("clients/stale/old.txt"), "old");
            earlier.commit();
        }

        try (StagedDirectory staged = StagedDirectory.open(target(), true, OutputKind.WORKSPACE)) {
            fill(staged.path());
            assertEquals("old", Files.readString(target().resolve("clients/stale/old.txt")), "untouched until commit");
            staged.commit();
        }
        assertEquals(List.of(".mtls-cli-files", ".mtls-cli-workspace", ".mtls-cli.lock", "ca", "ca/svc", "ca/svc/ca.crt", "passwords.json"), tree(target()));
        assertEquals(List.of("out"), parentEntries(), "neither staging nor old copy left");
    }

    @Test
    void forceWithoutCommitLeavesTheExistingTargetUntouched() throws IOException {
        madeByAnEarlierRun();
        List<String> before = tree(target());

        try (StagedDirectory staged = StagedDirectory.open(target(), true, OutputKind.WORKSPACE)) {
            fill(staged.path());
        }
        assertEquals(before, tree(target()));
        assertEquals(List.of("out"), parentEntries());
    }

    @Test
    void targetThatAppearsMeanwhileIsNotOverwritten() throws IOException {
        try (StagedDirectory staged = StagedDirectory.open(target(), false, OutputKind.WORKSPACE)) {
            fill(staged.path());
            Files.createDirectories(target());
            Files.writeString(target().resolve("someone-elses.txt"), "theirs");

            assertThrows(MtlsException.class, staged::commit);
        }
        assertEquals(List.of("someone-elses.txt"), tree(target()));
        assertEquals("theirs", Files.readString(target().resolve("someone-elses.txt")));
        assertEquals(List.of("out"), parentEntries(), "the staging directory is removed");
    }

    @Test
    void unnormalizedTargetIsNormalized() throws IOException {
        Path relative = parent.resolve("nested/../out");
        try (StagedDirectory staged = StagedDirectory.open(relative, false, OutputKind.WORKSPACE)) {
            fill(staged.path());
            staged.commit();
        }
        assertTrue(Files.isRegularFile(target().resolve("passwords.json")));
        assertEquals(List.of("out"), parentEntries());
    }

    // ---------------------------------------------------------------- leftovers of runs killed with SIGKILL

    /** The pid of a process that has ended: no run of mtls-cli can own it any more. */
    private static long deadPid() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        return process.pid();
    }

    @Test
    void theStagingOfADeadRunIsRemovedByTheNextRunAndThatOfALiveOneKept() throws Exception {
        Path dead = Files.createDirectories(parent.resolve(".out.staging-" + deadPid() + "-123/servers/svc"));
        Files.writeString(dead.resolve("server.key"), "unencrypted key");
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Path live = Files.createDirectories(parent.resolve(".out.staging-" + sleeper.pid() + "-456"));
            Path otherName = Files.createDirectories(parent.resolve(".other.staging-" + deadPid() + "-789"));

            try (StagedDirectory staged = StagedDirectory.open(target(), false, OutputKind.WORKSPACE)) {
                fill(staged.path());
                staged.commit();
            }

            assertFalse(Files.exists(dead.getParent().getParent()), "the dead run's staging with its key is gone");
            assertTrue(Files.isDirectory(live), "a live run's staging is not touched");
            assertTrue(Files.isDirectory(otherName), "only leftovers of this output are swept");
        } finally {
            sleeper.destroy();
        }
    }

    @Test
    void aReplacementKilledBetweenItsTwoRenamesIsUndoneByTheNextRun() throws Exception {
        // killed after the old workspace was moved aside and before the new one was moved in
        Path old = parent.resolve(".out.old-" + deadPid() + "-123");
        fill(old);
        Files.createDirectories(parent.resolve(".out.staging-" + deadPid() + "-123"));

        MtlsException refused = assertThrows(MtlsException.class, () -> StagedDirectory.open(target(), false, OutputKind.WORKSPACE));

        assertTrue(refused.getMessage().contains("already exists"), "the old workspace is back, so it is refused without --force: "
                + refused.getMessage());
        assertEquals(List.of("ca", "ca/svc", "ca/svc/ca.crt", "passwords.json"), tree(target()));
    }

    @Test
    void aSymlinkNamedLikeADeadRunsLeftoverIsNeitherFollowedNorPutInPlace() throws Exception {
        Path victim = Files.createDirectories(parent.resolve("victim"));
        Files.writeString(victim.resolve("data.txt"), "the user's");
        Path staging = Files.createSymbolicLink(parent.resolve(".out.staging-" + deadPid() + "-1"), victim);
        Path old = Files.createSymbolicLink(parent.resolve(".out.old-" + deadPid() + "-2"), victim);

        try (StagedDirectory staged = StagedDirectory.open(target(), false, OutputKind.WORKSPACE)) {
            fill(staged.path());
            staged.commit();
        }

        assertFalse(Files.isSymbolicLink(target()), "the output is the directory this run made, not the planted link");
        assertTrue(Files.isRegularFile(target().resolve("passwords.json"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of("data.txt"), tree(victim));
        assertTrue(Files.isSymbolicLink(staging) && Files.isSymbolicLink(old), "links that are not ours are left alone");
    }

    @Test
    void theOldCopyOfACompletedReplacementIsDeletedByTheNextRun() throws Exception {
        madeByAnEarlierRun();
        Path old = parent.resolve(".out.old-" + deadPid() + "-123");
        fill(old);

        try (StagedDirectory staged = StagedDirectory.open(target(), true, OutputKind.WORKSPACE)) {
            staged.commit();
        }
        assertEquals(List.of("out"), parentEntries());
    }

    @Test
    void theRootIsRefusedWithOneLine() {
        MtlsException e = assertThrows(MtlsException.class, () -> StagedDirectory.open(Path.of("/"), true, OutputKind.WORKSPACE));
        assertTrue(e.getMessage().contains("root directory"), e.getMessage());
    }

    @Test
    void parentsCreatedForAFailedRunAreRemovedAgain() {
        Path deep = parent.resolve("a/b/out");
        assertThrows(IllegalStateException.class, () -> {
            try (StagedDirectory staged = StagedDirectory.open(deep, false, OutputKind.WORKSPACE)) {
                throw new IllegalStateException("issuance failed");
            }
        });
        assertFalse(Files.exists(parent.resolve("a")));
    }

    // ---------------------------------------------------------------- the workspace as CertsCreator stages it

    private static ResolvedSpec.Service service(String name, KeyAlgorithm algorithm, int caDays, int leafDays) {
        return new ResolvedSpec.Service(name, name + ".example.com", List.of(name + ".example.com"), List.of(), algorithm,
                new ResolvedSpec.Certificate("CN=" + name + " Root CA", caDays),
                new ResolvedSpec.Certificate("CN=" + name + ".example.com", leafDays),
                new ResolvedSpec.Certificate("CN=" + name + " client", leafDays));
    }

    /**
     * CertsCreator issues and writes the services in parallel. When one fails, create() throws
     * and the staging directory is removed at once, while the other services are still being
     * issued on common-pool workers; their writes must not re-create the staging directory
     * (with a server key and a CA key in it) beside the output. "bad" is last in the list, so
     * the calling thread runs it and fails within milliseconds ("slow" is forked to a worker);
     * its leaf outlives its CA, which the local CA refuses. The check waits for the pool to be
     * idle before it looks.
     */
    @Test
    void aFailingServiceLeavesNoStagingDirectoryOnceTheOtherServicesFinish() throws IOException {
        ResolvedSpec spec = new ResolvedSpec(StoreType.PKCS12, List.of(
                service("slow", KeyAlgorithm.RSA_4096, 30, 29),
                service("bad", KeyAlgorithm.EC_P256, 1, 2)));

        MtlsException e = assertThrows(MtlsException.class,
                () -> new CertsCreator(new SecureRandom()).create(spec, target(), false, PasswordFile.empty()));
        boolean idle = ForkJoinPool.commonPool().awaitQuiescence(2, TimeUnit.MINUTES);

        assertTrue(idle, "the common pool did not become idle");
        assertTrue(e.getMessage().contains("CN=bad.example.com"), e.getMessage());
        assertFalse(Files.exists(target()));
        assertEquals(List.of(), parentEntries(), "nothing may be left beside the output");
    }
}
