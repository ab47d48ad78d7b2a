package dev.mtlscli.runtime.layer;

import dev.mtlscli.runtime.MtlsRuntimeException;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Reads and writes {@link LayerManifest} JSON with the SDK's own JSON support (json-utils), which
 * the SSM client loads anyway, so the cold-start path carries no other JSON library.
 */
public final class LayerManifests {
    private LayerManifests() {
    }

    public static LayerManifest read(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new MtlsRuntimeException("no layer manifest at " + file + " (is the service's layer attached to the function?)");
        } catch (IOException e) {
            throw new MtlsRuntimeException("cannot read layer manifest " + file + ": " + e.getMessage(), e);
        }
    }

    public static LayerManifest parse(byte[] json, String source) {
        Map<String, JsonNode> root;
        try {
            JsonNode node = JsonNodeParser.create().parse(json);
            if (!node.isObject()) {
                throw new MtlsRuntimeException("layer manifest " + source + " is not a JSON object");
            }
            root = node.asObject();
        } catch (RuntimeException e) {
            if (e instanceof MtlsRuntimeException) {
                throw e;
            }
            throw new MtlsRuntimeException("layer manifest " + source + " is not valid JSON");
        }
        long version = number(root, "manifestVersion", source);
        if (version != LayerManifest.VERSION) {
            throw new MtlsRuntimeException("layer manifest " + source + " has version " + version
                    + ", this runtime reads version " + LayerManifest.VERSION);
        }
        Map<String, JsonNode> certificate = object(root, "certificate", source);
        Instant notAfter;
        try {
            notAfter = Instant.parse(string(certificate, "notAfter", source));
        } catch (DateTimeParseException e) {
            throw new MtlsRuntimeException("layer manifest " + source + ": certificate.notAfter is not an ISO-8601 instant");
        }
        return new LayerManifest(LayerManifest.VERSION,
                string(root, "service", source),
                string(root, "host", source),
                store(object(root, "keyStore", source), source),
                store(object(root, "trustStore", source), source),
                notAfter,
                string(certificate, "sha256", source));
    }

    public static byte[] toJson(LayerManifest manifest) {
        JsonWriter writer = JsonWriter.create();
        writer.writeStartObject();
        writer.writeFieldName("manifestVersion").writeValue(manifest.manifestVersion());
        writer.writeFieldName("service").writeValue(manifest.service());
        writer.writeFieldName("host").writeValue(manifest.host());
        writer.writeFieldName("keyStore");
        writeStore(writer, manifest.keyStore());
        writer.writeFieldName("trustStore");
        writeStore(writer, manifest.trustStore());
        writer.writeFieldName("certificate").writeStartObject();
        writer.writeFieldName("notAfter").writeValue(manifest.certificateNotAfter().toString());
        writer.writeFieldName("sha256").writeValue(manifest.certificateSha256());
        writer.writeEndObject();
        writer.writeEndObject();
        return writer.getBytes();
    }

    private static void writeStore(JsonWriter writer, StoreRef store) {
        writer.writeStartObject();
        writer.writeFieldName("file").writeValue(store.file());
        writer.writeFieldName("type").writeValue(store.type());
        writer.writeFieldName("passwordParameter").writeValue(store.password().selector());
        writer.writeEndObject();
    }

    private static StoreRef store(Map<String, JsonNode> node, String source) {
        String file = string(node, "file", source);
        if (file.contains("/") || file.contains("\\") || file.startsWith(".")) {
            throw new MtlsRuntimeException("layer manifest " + source + ": store file '" + file + "' must be a plain file name");
        }
        return new StoreRef(file, string(node, "type", source), ParameterRef.parse(string(node, "passwordParameter", source)));
    }

    private static Map<String, JsonNode> object(Map<String, JsonNode> node, String field, String source) {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            throw new MtlsRuntimeException("layer manifest " + source + ": '" + field + "' must be an object");
        }
        return value.asObject();
    }

    private static String string(Map<String, JsonNode> node, String field, String source) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString() || value.asString().isEmpty()) {
            throw new MtlsRuntimeException("layer manifest " + source + ": '" + field + "' must be a non-empty string");
        }
        return value.asString();
    }

    private static long number(Map<String, JsonNode> node, String field, String source) {
        JsonNode value = node.get(field);
        try {
            if (value != null && value.isNumber()) {
                return Long.parseLong(value.asNumber());
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MtlsRuntimeException("layer manifest " + source + ": '" + field + "' must be a whole number");
    }
}
