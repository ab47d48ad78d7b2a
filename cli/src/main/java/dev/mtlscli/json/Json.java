package dev.mtlscli.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.mtlscli.MtlsException;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON through jackson-core's streaming parser and generator, into plain maps and lists.
 * Jackson's ObjectMapper costs ~0.2 s of start-up in a fresh JVM, more than a whole
 * `certs create` should take, and our documents are small enough to walk by hand
 * (see {@link JsonObject}).
 */
public final class Json {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    /**
     * For files that hold secrets: Jackson's messages quote the offending token ("Unrecognized
     * token 'the-password'") and its locations carry a snippet of the source, both of which would
     * put a password on stderr and into CI logs.
     */
    private static final JsonFactory SECRET_FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private Json() {
    }

    /** Parses a document whose top level is an object. */
    public static JsonObject parseObject(byte[] bytes, String source) {
        try {
            return parse(FACTORY, bytes, source);
        } catch (StreamReadException e) {
            throw new MtlsException(source + " is not valid JSON (line " + e.getLocation().getLineNr() + "): "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MtlsException("cannot read " + source + ": " + e.getMessage());
        }
    }

    /**
     * The same for a document holding secrets: a failure names the source, the line and column
     * and the kind of problem, never the text at fault, and keeps no cause that would print it
     * in a --verbose stack trace.
     */
    public static JsonObject parseSecretObject(byte[] bytes, String source) {
        try {
            return parse(SECRET_FACTORY, bytes, source);
        } catch (StreamReadException e) {
            JsonLocation at = e.getLocation();
            throw new MtlsException(source + " is not valid JSON (line " + at.getLineNr() + ", column " + at.getColumnNr()
                    + "): " + SecretJsonProblem.describe(e));
        } catch (IOException e) {
            throw new MtlsException("cannot read " + source + " as JSON");
        }
    }

    private static JsonObject parse(JsonFactory factory, byte[] bytes, String source) throws IOException {
        try (JsonParser parser = factory.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new MtlsException(source + " is empty");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new MtlsException(source + " is not a JSON object");
            }
            Object value = read(parser);
            if (parser.nextToken() != null) {
                throw new MtlsException(source + " has content after its JSON object (line "
                        + parser.currentLocation().getLineNr() + ")");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) value;
            return new JsonObject(map, source, "");
        }
    }

    private static Object read(JsonParser parser) throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    map.put(name, read(parser));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(parser));
                }
                return list;
            }
            case VALUE_STRING -> {
                return parser.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return parser.getNumberValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IllegalStateException("unexpected JSON token " + parser.currentToken());
        }
    }

    /** Writes maps, lists, strings, numbers, booleans and nulls as indented JSON. */
    public static String write(Object value) {
        return write(value, true);
    }

    /** The same on one line, for JSON Lines files. */
    public static String writeLine(Object value) {
        return write(value, false);
    }

    private static String write(Object value, boolean indented) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            if (indented) {
                generator.useDefaultPrettyPrinter();
            }
            write(generator, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator generator, Object value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof Map<?, ?> map) {
            generator.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                generator.writeFieldName(String.valueOf(entry.getKey()));
                write(generator, entry.getValue());
            }
            generator.writeEndObject();
        } else if (value instanceof Iterable<?> list) {
            generator.writeStartArray();
            for (Object item : list) {
                write(generator, item);
            }
            generator.writeEndArray();
        } else if (value instanceof Boolean bool) {
            generator.writeBoolean(bool);
        } else if (value instanceof Integer || value instanceof Long) {
            generator.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number number) {
            generator.writeNumber(number.toString());
        } else {
            generator.writeString(value.toString());
        }
    }
}
