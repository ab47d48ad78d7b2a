package dev.mtlscli.store;

import dev.mtlscli.MtlsException;
import dev.mtlscli.json.Json;
import dev.mtlscli.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The passwords of a workspace: {"version": 1, "passwords": {"clients/service-1/keystore.p12": "..."}}.
 * Keys are the workspace-relative paths of the files they open, so the file explains itself.
 * It is written 0600 and is the only place a generated password lives until it is published.
 */
public final class PasswordFile {
    public static final String FILE_NAME = "passwords.json";
    private static final int VERSION = 1;
    /**
     * Supplied passwords protect keys with the same KDF rounds as generated ones (see
     * PemFiles.PBKDF2_ITERATIONS), which is only sound if they carry real entropy too.
     */
    static final int MIN_LENGTH = 16;

    private final Map<String, String> passwords = new TreeMap<>();

    public static PasswordFile empty() {
        return new PasswordFile();
    }

    public static PasswordFile read(Path path) {
        SecretFilePermissions.warnIfReadableByOthers(path);
        byte[] bytes = BoundedReads.read(path, BoundedReads.SMALL, "password file");
        String source = "password file " + path;
        JsonObject root = Json.parseSecretObject(bytes, source);
        JsonObject entries = root.object("passwords");
        if (!Integer.valueOf(VERSION).equals(root.integer("version")) || entries == null) {
            throw new MtlsException(source + " is not a version " + VERSION
                    + " mtls-cli password file ({\"version\": 1, \"passwords\": {...}})");
        }
        PasswordFile file = new PasswordFile();
        for (String key : entries.values().keySet()) {
            String password = entries.string(key);
            if (password == null) {
                throw new MtlsException(source + ": the password of '" + key + "' is null, not a string");
            }
            if (password.length() < MIN_LENGTH) {
                throw new MtlsException(source + ": the password of '" + key
                        + "' is shorter than " + MIN_LENGTH + " characters");
            }
            if (password.isBlank()) {
                throw new MtlsException(source + ": the password of '" + key + "' is only whitespace");
            }
            // The JDK's PBE key derivation (CA keys) refuses anything but ASCII, and keytool,
            // openssl and PKCS12 encode other characters differently: one rule for all files.
            if (!password.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
                throw new MtlsException(source + ": the password of '" + key
                        + "' holds characters other than printable ASCII, which not every tool reads alike");
            }
            file.passwords.put(key, password);
        }
        return file;
    }

    /**
     * Refuses entries for files that are not among these: in a password file the user wrote, an
     * unknown name is a typo, and the file it meant would silently get a generated password.
     */
    public void checkOnlyFor(Collection<String> relativePaths, String source) {
        for (String key : passwords.keySet()) {
            if (!relativePaths.contains(key)) {
                throw new MtlsException(source + " names '" + key + "', which is not a file this run protects with a password "
                        + "(expected some of: " + String.join(", ", new java.util.TreeSet<>(relativePaths)) + ")");
            }
        }
    }

    /**
     * The passwords of exactly these files: the ones this file holds, generated ones for the rest.
     * Entries for other files are dropped, so an output never carries stale secrets.
     */
    public PasswordFile forFiles(Collection<String> relativePaths, PasswordGenerator generator) {
        PasswordFile assigned = new PasswordFile();
        for (String path : relativePaths) {
            String existing = passwords.get(path);
            assigned.passwords.put(path, existing != null ? existing : new String(generator.next()));
        }
        return assigned;
    }

    public char[] get(String relativePath) {
        String password = passwords.get(relativePath);
        if (password == null) {
            throw new MtlsException("no password for " + relativePath + " in " + FILE_NAME);
        }
        return password.toCharArray();
    }

    public void write(Path path) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", VERSION);
        root.put("passwords", passwords);
        byte[] json = (Json.write(root) + "\n").getBytes(StandardCharsets.UTF_8);
        SecureFiles.writePrivate(path, out -> out.write(json));
    }
}
