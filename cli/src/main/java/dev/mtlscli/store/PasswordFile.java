package dev.mtlscli.store;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mtlscli.MtlsException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Iterator;
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

    private final Map<String, String> passwords = new TreeMap<>();

    public static PasswordFile empty() {
        return new PasswordFile();
    }

    public static PasswordFile read(Path path) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new MtlsException("password file " + path + " does not exist");
        } catch (JacksonException e) {
            throw new MtlsException("password file " + path + " is not valid JSON (line "
                    + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw new MtlsException("cannot read password file " + path + ": " + e.getMessage());
        }
        if (root == null || !root.isObject() || root.path("version").asInt() != VERSION || !root.path("passwords").isObject()) {
            throw new MtlsException("password file " + path + " is not a version " + VERSION
                    + " mtls-cli password file ({\"version\": 1, \"passwords\": {...}})");
        }
        PasswordFile file = new PasswordFile();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("passwords").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isTextual() || entry.getValue().asText().isEmpty()) {
                throw new MtlsException("password file " + path + ": the password of '" + entry.getKey() + "' must be a non-empty string");
            }
            file.passwords.put(entry.getKey(), entry.getValue().asText());
        }
        return file;
    }

    /** The password of the file at this workspace-relative path, or the generator's next one. */
    public char[] getOrGenerate(String relativePath, PasswordGenerator generator) {
        String existing = passwords.get(relativePath);
        if (existing != null) {
            return existing.toCharArray();
        }
        char[] generated = generator.next();
        passwords.put(relativePath, new String(generated));
        return generated;
    }

    public char[] get(String relativePath) {
        String password = passwords.get(relativePath);
        if (password == null) {
            throw new MtlsException("no password for " + relativePath + " in " + FILE_NAME);
        }
        return password.toCharArray();
    }

    /** Keeps only the entries of files that were written, so the output never carries stale secrets. */
    public PasswordFile restrictTo(Collection<String> relativePaths) {
        PasswordFile restricted = new PasswordFile();
        relativePaths.forEach(p -> {
            if (passwords.containsKey(p)) {
                restricted.passwords.put(p, passwords.get(p));
            }
        });
        return restricted;
    }

    public void write(Path path) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("version", VERSION);
        ObjectNode entries = root.putObject("passwords");
        passwords.forEach(entries::put);
        try {
            byte[] json = mapper.writeValueAsBytes(root);
            SecureFiles.writePrivate(path, out -> {
                out.write(json);
                out.write('\n');
            });
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot serialize the password file", e);
        }
    }
}
