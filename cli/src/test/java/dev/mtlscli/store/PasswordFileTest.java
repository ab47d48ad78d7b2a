package dev.mtlscli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.MtlsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** passwords.json: round trip, 0600 from the first byte, and the generated passwords themselves. */
class PasswordFileTest {
    private static final List<String> FILES = List.of(
            "ca/service-1/ca.key", "clients/service-1/keystore.p12", "clients/service-1/truststore.p12");

    @TempDir
    Path tmp;

    private final PasswordGenerator generator = new PasswordGenerator(new SecureRandom());

    @Test
    void roundTrip() {
        PasswordFile generated = PasswordFile.empty().forFiles(FILES, generator);
        Path file = tmp.resolve("passwords.json");
        generated.write(file);

        PasswordFile read = PasswordFile.read(file);
        for (String path : FILES) {
            assertArrayEquals(generated.get(path), read.get(path), path);
        }
    }

    @Test
    void writtenFileHasTheDocumentedShape() throws IOException {
        PasswordFile generated = PasswordFile.empty().forFiles(FILES, generator);
        Path file = tmp.resolve("passwords.json");
        generated.write(file);

        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertEquals(1, root.get("version").asInt());
        assertTrue(root.get("passwords").isObject());
        Set<String> keys = new HashSet<>();
        root.get("passwords").fieldNames().forEachRemaining(keys::add);
        assertEquals(Set.copyOf(FILES), keys, "keyed by workspace-relative path, nothing else");
        assertEquals(new String(generated.get("clients/service-1/truststore.p12")),
                root.get("passwords").get("clients/service-1/truststore.p12").asText());
    }

    @Test
    void writtenWithMode0600() throws IOException {
        Path file = tmp.resolve("passwords.json");
        PasswordFile.empty().forFiles(FILES, generator).write(file);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
    }

    @Test
    void rewritingAWorldReadableFileMakesIt0600() throws IOException {
        Path file = tmp.resolve("passwords.json");
        Files.writeString(file, "{}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        PasswordFile.empty().forFiles(FILES, generator).write(file);

        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        assertEquals(PosixFilePermissions.fromString("rw-------"), permissions);
        try (Stream<Path> entries = Files.list(tmp)) {
            assertEquals(List.of(file), entries.toList(), "no temporary file left beside it");
        }
    }

    @Test
    void generatedPasswordsAre32AlphanumericCharactersAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            char[] password = generator.next();
            assertEquals(PasswordGenerator.LENGTH, password.length);
            assertEquals(32, password.length);
            String text = new String(password);
            assertTrue(text.matches("[A-Za-z0-9]{32}"), text);
            assertTrue(seen.add(text), "duplicate password");
        }
        // over 500 * 32 characters every class of the alphabet shows up
        String all = String.join("", seen);
        assertTrue(all.matches("(?s).*[A-Z].*") && all.matches("(?s).*[a-z].*") && all.matches("(?s).*[0-9].*"));
    }

    @Test
    void everyFileGetsItsOwnGeneratedPassword() {
        PasswordFile file = PasswordFile.empty().forFiles(FILES, generator);
        Set<String> passwords = new HashSet<>();
        for (String path : FILES) {
            String password = new String(file.get(path));
            assertTrue(password.matches("[A-Za-z0-9]{32}"), password);
            passwords.add(password);
        }
        assertEquals(FILES.size(), passwords.size(), "passwords are not shared between files");
    }

    @Test
    void suppliedPasswordsAreKeptStaleOnesDroppedMissingOnesGenerated() throws IOException {
        Path supplied = Files.writeString(tmp.resolve("supplied.json"), """
                {"version": 1, "passwords": {
                  "clients/service-1/truststore.p12": "a-supplied-password-of-some-length",
                  "clients/old-service/keystore.p12": "a-stale-password-for-a-gone-file"
                }}
                """);

        PasswordFile assigned = PasswordFile.read(supplied).forFiles(FILES, generator);

        assertEquals("a-supplied-password-of-some-length", new String(assigned.get("clients/service-1/truststore.p12")));
        assertTrue(new String(assigned.get("ca/service-1/ca.key")).matches("[A-Za-z0-9]{32}"));
        MtlsException stale = assertThrows(MtlsException.class, () -> assigned.get("clients/old-service/keystore.p12"));
        assertTrue(stale.getMessage().contains("clients/old-service/keystore.p12"), stale.getMessage());

        Path out = tmp.resolve("passwords.json");
        assigned.write(out);
        assertFalse(Files.readString(out).contains("a-stale-password"), "stale secrets must not be carried on");
    }

    @Test
    void getOfAnUnknownFileNamesIt() {
        MtlsException e = assertThrows(MtlsException.class, () -> PasswordFile.empty().get("clients/x/keystore.p12"));
        assertTrue(e.getMessage().contains("clients/x/keystore.p12"), e.getMessage());
    }

    @Test
    void readRefusesBadFilesWithAMessageThatNamesThem() throws IOException {
        Path missing = tmp.resolve("missing.json");
        assertTrue(assertThrows(MtlsException.class, () -> PasswordFile.read(missing)).getMessage().contains("does not exist"));

        Path broken = Files.writeString(tmp.resolve("broken.json"), "{\"version\": 1, \"passwords\": {");
        assertTrue(assertThrows(MtlsException.class, () -> PasswordFile.read(broken)).getMessage().contains("broken.json"));

        Path version2 = Files.writeString(tmp.resolve("v2.json"), "{\"version\": 2, \"passwords\": {}}");
        assertTrue(assertThrows(MtlsException.class, () -> PasswordFile.read(version2)).getMessage().contains("version 1"));

        Path noPasswords = Files.writeString(tmp.resolve("nopw.json"), "{\"version\": 1}");
        assertTrue(assertThrows(MtlsException.class, () -> PasswordFile.read(noPasswords)).getMessage().contains("version 1"));

        Path shortOne = Files.writeString(tmp.resolve("short.json"),
                "{\"version\": 1, \"passwords\": {\"clients/service-1/truststore.p12\": \"tooshort\"}}");
        MtlsException e = assertThrows(MtlsException.class, () -> PasswordFile.read(shortOne));
        assertTrue(e.getMessage().contains("clients/service-1/truststore.p12"), e.getMessage());
        assertFalse(e.getMessage().contains("tooshort"), "a password must never be echoed: " + e.getMessage());

        Path number = Files.writeString(tmp.resolve("number.json"),
                "{\"version\": 1, \"passwords\": {\"clients/service-1/truststore.p12\": 1234567890123456}}");
        assertTrue(assertThrows(MtlsException.class, () -> PasswordFile.read(number)).getMessage()
                .contains("clients/service-1/truststore.p12"));
    }

    @Test
    void aSuppliedPasswordOfExactlyTheMinimumLengthIsAccepted() throws IOException {
        String sixteen = "0123456789abcdef";
        assertEquals(PasswordFile.MIN_LENGTH, sixteen.length());
        Path file = Files.writeString(tmp.resolve("min.json"),
                "{\"version\": 1, \"passwords\": {\"clients/service-1/truststore.p12\": \"" + sixteen + "\"}}");
        assertEquals(sixteen, new String(PasswordFile.read(file).get("clients/service-1/truststore.p12")));
    }
}
