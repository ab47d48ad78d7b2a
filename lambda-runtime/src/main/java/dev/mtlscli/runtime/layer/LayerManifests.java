package dev.mtlscli.runtime.layer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.mtlscli.runtime.MtlsRuntimeException;
import dev.mtlscli.runtime.json.JsonTree;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Reads and writes {@link LayerManifest} JSON with jackson-core's streaming API (the SDK's own
 * json-utils wraps the same generator, so the bytes are what they were): no AWS SDK class is
 * needed to read a manifest, which the extension password provider relies on.
 */
public final class LayerManifests {
    private static final JsonFactory FACTORY = new JsonFactory();

    private LayerManifests() {
    }

    /**
     * Reads and checks a manifest file.
     *
     * @param file a service's manifest.json ({@link LayerLayout#manifest})
     * @return the manifest
     * @throws MtlsRuntimeException when the file is missing (the layer is not attached), cannot
     *         be read, or is not a valid manifest of this version
     */
    public static LayerManifest read(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new MtlsRuntimeException("no layer manifest at " + file + " (is the service's layer attached to the function?)");
        } catch (IOException e) {
            throw new MtlsRuntimeException("cannot read layer manifest " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses and checks a manifest: every field present, store files plain names, the version
     * one this runtime reads.
     *
     * @param json   the manifest's bytes (UTF-8 JSON)
     * @param source where it came from, named in error messages
     * @return the manifest
     * @throws MtlsRuntimeException naming the field that is missing or wrong
     */
    public static LayerManifest parse(byte[] json, String source) {
        Map<String, Object> root;
        try {
            root = JsonTree.parseObject(json);
        } catch (IOException | RuntimeException e) {
            throw new MtlsRuntimeException("layer manifest " + source + " is not valid JSON");
        }
        if (root == null) {
            throw new MtlsRuntimeException("layer manifest " + source + " is not a JSON object");
        }
        long version = number(root, "manifestVersion", source);
        if (version != LayerManifest.VERSION) {
            throw new MtlsRuntimeException("layer manifest " + source + " has version " + version
                    + ", this runtime reads version " + LayerManifest.VERSION);
        }
        Map<String, Object> certificate = object(root, "certificate", source);
        Instant notAfter = instant(string(certificate, "notAfter", source), source);
        return new LayerManifest(LayerManifest.VERSION,
                string(root, "service", source),
                string(root, "host", source),
                store(object(root, "keyStore", source), source),
                store(object(root, "trustStore", source), source),
                notAfter,
                string(certificate, "sha256", source),
                optionalString(certificate, "der", source));
    }

    /**
     * The manifest as the cli writes it into a layer.
     *
     * @param manifest the manifest to write
     * @return UTF-8 JSON that {@link #parse} reads back to an equal manifest
     */
    public static byte[] toJson(LayerManifest manifest) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator writer = FACTORY.createGenerator(bytes)) {
            writer.writeStartObject();
            writer.writeNumberField("manifestVersion", manifest.manifestVersion());
            writer.writeStringField("service", manifest.service());
            writer.writeStringField("host", manifest.host());
            writer.writeFieldName("keyStore");
            writeStore(writer, manifest.keyStore());
            writer.writeFieldName("trustStore");
            writeStore(writer, manifest.trustStore());
            writer.writeObjectFieldStart("certificate");
            writer.writeStringField("notAfter", manifest.certificateNotAfter().toString());
            writer.writeStringField("sha256", manifest.certificateSha256());
            if (manifest.certificateDer() != null) {
                writer.writeStringField("der", manifest.certificateDer());
            }
            writer.writeEndObject();
            writer.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeStore(JsonGenerator writer, StoreRef store) throws IOException {
        writer.writeStartObject();
        writer.writeStringField("file", store.file());
        writer.writeStringField("type", store.type());
        writer.writeStringField("passwordParameter", store.password().selector());
        writer.writeEndObject();
    }

    private static StoreRef store(Map<String, Object> node, String source) {
        String file = string(node, "file", source);
        if (file.contains("/") || file.contains("\\") || file.startsWith(".")) {
            throw new MtlsRuntimeException("layer manifest " + source + ": store file '" + file + "' must be a plain file name");
        }
        return new StoreRef(file, string(node, "type", source), ParameterRef.parse(string(node, "passwordParameter", source)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> node, String field, String source) {
        if (!(node.get(field) instanceof Map<?, ?> value)) {
            throw new MtlsRuntimeException("layer manifest " + source + ": '" + field + "' must be an object");
        }
        return (Map<String, Object>) value;
    }

    private static String string(Map<String, Object> node, String field, String source) {
        if (!(node.get(field) instanceof String value) || value.isEmpty()) {
            throw new MtlsRuntimeException("layer manifest " + source + ": '" + field + "' must be a non-empty string");
        }
        return value;
    }

    /** A field a manifest of an earlier release may lack: null then, but never of another type. */
    private static String optionalString(Map<String, Object> node, String field, String source) {
        return node.containsKey(field) ? string(node, field, source) : null;
    }

    /**
     * The instant as the cli writes it (Instant.toString: 2027-11-25T07:10:59Z, optionally with
     * a fraction), read without java.time's formatter, which alone loads some sixty classes on a
     * function's cold start; anything else goes through Instant.parse.
     */
    static Instant instant(String text, String source) {
        try {
            if (text.length() == 20 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                    && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(19) == 'Z') {
                return LocalDateTime.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10),
                        digits(text, 11, 13), digits(text, 14, 16), digits(text, 17, 19)).toInstant(ZoneOffset.UTC);
            }
            return Instant.parse(text);
        } catch (DateTimeException | NumberFormatException e) {
            throw new MtlsRuntimeException("layer manifest " + source + ": certificate.notAfter is not an ISO-8601 instant");
        }
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new NumberFormatException(text);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** A whole number that fits a long; a fraction or a huge number is never a version this runtime reads. */
    private static long number(Map<String, Object> node, String field, String source) {
        Object value = node.get(field);
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        throw new MtlsRuntimeException("layer manifest " + source + ": '" + field + "' must be a whole number");
    }
}
