package dev.mtlscli.fakeaws;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers to write an operation's output in AWS JSON. */
final class JsonOutput {
    private JsonOutput() {
    }

    /** A JSON object with its members in the order given: name, value, name, value, ... */
    static Map<String, Object> ordered(Object... namesAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    /** Timestamps in AWS JSON are epoch seconds, with the milliseconds as a fraction. */
    static BigDecimal epochSeconds(Instant instant) {
        return BigDecimal.valueOf(instant.toEpochMilli()).movePointLeft(3);
    }
}
