package dev.mtlscli.workspace;

import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The workspace side of `certs rekey`: it is replaced whole, or left byte for byte as it was. */
class WorkspaceRekeyTest {
    @TempDir
    Path temp;

    @Test
    void aRunThatFailsHalfWayLeavesTheWorkspaceAsItWasAndNothingBesideIt() throws Exception {
        Workspace before = Workspace.create(temp.resolve("ws"), "ec-p256", "jks", null);
        Map<String, byte[]> files = snapshot(before.root());
        AtomicInteger rekeyed = new AtomicInteger();

        RuntimeException failure = assertThrows(RuntimeException.class, () -> new WorkspaceRekey(new SecureRandom(), () -> {
            if (rekeyed.incrementAndGet() == 1) {
                throw new IllegalStateException("cut off after the first service");
            }
        }).rekey(before.root(), List.of(), false));
        assertEquals("cut off after the first service", failure.getMessage());

        assertEquals(files.keySet(), snapshot(before.root()).keySet());
        snapshot(before.root()).forEach((file, bytes) -> assertArrayEquals(files.get(file), bytes, file + " changed"));
        try (Stream<Path> beside = Files.list(temp)) {
            assertEquals(List.of("ws"), beside.map(path -> path.getFileName().toString()).toList(), "no staging directory left");
        }

        // the lock went with the failed run: the next one re-keys
        WorkspaceRekey.Result result = new WorkspaceRekey(new SecureRandom()).rekey(before.root(), List.of("service-2"), false);
        assertEquals(1, result.services().size());
        Workspace after = Workspace.open(before.root(), "jks");
        assertNotEquals(before.password(after.keyStore("service-2")), after.password(after.keyStore("service-2")));
        assertEquals(before.password(after.keyStore("service-1")), after.password(after.keyStore("service-1")),
                "a service not named is left alone");
        assertArrayEquals(files.get(Workspace.serverKey("service-1")), Files.readAllBytes(after.file(Workspace.serverKey("service-1"))));
        assertFalse(Arrays.equals(files.get(Workspace.serverKey("service-2")), Files.readAllBytes(after.file(Workspace.serverKey("service-2")))),
                "service-2 has a new server key");
        Tool.keytool("-list", "-keystore", after.file(after.keyStore("service-2")).toString(), "-storetype", "JKS",
                "-storepass:env", "P").env("P", after.password(after.keyStore("service-2"))).runOk();
    }

    /** Every file under the workspace but its lock (whose text names the last holder), by relative path. */
    private static Map<String, byte[]> snapshot(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.filter(Files::isRegularFile).filter(path -> !path.getFileName().toString().equals(WorkspaceLock.FILE_NAME))
                    .forEach(path -> {
                        try {
                            files.put(root.relativize(path).toString(), Files.readAllBytes(path));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
        return files;
    }
}
