package dev.mtlscli.runtime.secrets;

import dev.mtlscli.runtime.MtlsRuntimeException;

import java.time.Duration;
import java.util.Map;

/** A timeout a function sets in its environment as a number of milliseconds. */
final class TimeoutSetting {
    private TimeoutSetting() {
    }

    static Duration read(Map<String, String> environment, String variable, Duration fallback) {
        String millis = environment.get(variable);
        if (millis == null || millis.isBlank()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(millis.trim());
        } catch (NumberFormatException e) {
            throw new MtlsRuntimeException(variable + " is not a number of milliseconds: '" + millis + "'");
        }
        if (value <= 0) {
            // zero or less would mean no bound at all in the SDK and an instant failure in HttpClient
            throw new MtlsRuntimeException(variable + " must be a positive number of milliseconds: '" + millis + "'");
        }
        return Duration.ofMillis(value);
    }
}
