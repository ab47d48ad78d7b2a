package dev.mtlscli.json;

import dev.mtlscli.MtlsException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed JSON object with typed, strict accessors: a wrong type or an unknown field is an
 * error that names its path (services[0].ca.subject), so a typo in a spec never passes silently.
 */
public final class JsonObject {
    private final Map<String, Object> values;
    private final String source;
    private final String path;

    JsonObject(Map<String, Object> values, String source, String path) {
        this.values = values;
        this.source = source;
        this.path = path;
    }

    public Map<String, Object> values() {
        return values;
    }

    /** Fails on the first field not in the allowed set. */
    public JsonObject allowOnly(Set<String> allowed) {
        for (String field : values.keySet()) {
            if (!allowed.contains(field)) {
                throw new MtlsException(source + ": unknown field '" + where(field) + "'");
            }
        }
        return this;
    }

    public String string(String field) {
        Object value = values.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw wrongType(field, "a string");
        }
        return text;
    }

    public Boolean bool(String field) {
        Object value = values.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Boolean flag)) {
            throw wrongType(field, "true or false");
        }
        return flag;
    }

    public Integer integer(String field) {
        Object value = values.get(field);
        if (value == null) {
            return null;
        }
        if (value instanceof Integer number) {
            return number;
        }
        if (value instanceof Long || value instanceof BigInteger || value instanceof BigDecimal || value instanceof Double) {
            throw new MtlsException(source + ": '" + where(field) + "' must be a whole number of reasonable size, got " + value);
        }
        throw wrongType(field, "a number");
    }

    public JsonObject object(String field) {
        Object value = values.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?>)) {
            throw wrongType(field, "an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        return new JsonObject(map, source, where(field));
    }

    public List<String> strings(String field) {
        List<Object> items = list(field);
        if (items == null) {
            return null;
        }
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof String text)) {
                throw new MtlsException(source + ": '" + where(field) + "[" + i + "]' must be a string");
            }
            strings.add(text);
        }
        return strings;
    }

    /** The objects of an array field; a null item is returned as null. */
    public List<JsonObject> objects(String field) {
        List<Object> items = list(field);
        if (items == null) {
            return null;
        }
        List<JsonObject> objects = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (item != null && !(item instanceof Map<?, ?>)) {
                throw new MtlsException(source + ": '" + where(field) + "[" + i + "]' must be an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) item;
            objects.add(map == null ? null : new JsonObject(map, source, where(field) + "[" + i + "]"));
        }
        return objects;
    }

    private List<Object> list(String field) {
        Object value = values.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?>)) {
            throw wrongType(field, "an array");
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) value;
        return list;
    }

    private MtlsException wrongType(String field, String expected) {
        return new MtlsException(source + ": '" + where(field) + "' must be " + expected);
    }

    private String where(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
