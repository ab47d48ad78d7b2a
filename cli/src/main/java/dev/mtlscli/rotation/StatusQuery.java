package dev.mtlscli.rotation;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsNames;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What `status` looks at, checked before any AWS call: either the layers named (each a valid
 * Lambda layer name), or every layer of the account whose name starts with a prefix; and the
 * renewal window a certificate in use must stay out of.
 *
 * @param layerNames  the layers to inventory; empty to discover them by {@code layerPrefix}
 * @param layerPrefix the prefix of the layers to discover (ListLayers); null when {@code layerNames} are given
 * @param renewBefore a certificate with less validity left than this needs renewal
 * @param now         the instant days left are counted from
 */
public record StatusQuery(List<String> layerNames, String layerPrefix, Duration renewBefore, Instant now) {
    /** The default --layer-name of `layer publish` is mtls-{service}. */
    public static final String DEFAULT_LAYER_PREFIX = "mtls-";
    public static final int DEFAULT_RENEW_BEFORE_DAYS = 30;
    /** A prefix of a Lambda layer name: the name's characters, at most its 140. */
    private static final Pattern PREFIX = Pattern.compile("[a-zA-Z0-9_-]{1,140}");

    public StatusQuery {
        layerNames = List.copyOf(layerNames);
        if (layerNames.isEmpty() == (layerPrefix == null)) {
            throw new IllegalArgumentException("either layer names or a layer prefix");
        }
        if (renewBefore.isNegative()) {
            throw new IllegalArgumentException("negative renewal window " + renewBefore);
        }
    }

    /**
     * Checks the user's input.
     *
     * @param layerNames      --layer NAME (repeatable); null or empty to discover the layers by prefix
     * @param layerPrefix     --layer-prefix, or null for {@value #DEFAULT_LAYER_PREFIX}
     * @param renewBeforeDays --renew-before DAYS
     * @throws MtlsException naming the input that is wrong
     */
    public static StatusQuery of(List<String> layerNames, String layerPrefix, int renewBeforeDays, Instant now) {
        if (renewBeforeDays < 0) {
            throw new MtlsException("--renew-before must be 0 or more days, not " + renewBeforeDays);
        }
        Duration window = Duration.ofDays(renewBeforeDays);
        if (layerNames != null && !layerNames.isEmpty()) {
            if (layerPrefix != null) {
                throw new MtlsException("--layer and --layer-prefix exclude each other: name the layers, or give the prefix to find them by");
            }
            layerNames.forEach(AwsNames::layerName);
            return new StatusQuery(layerNames.stream().distinct().toList(), null, window, now);
        }
        String prefix = layerPrefix == null ? DEFAULT_LAYER_PREFIX : layerPrefix;
        if (!PREFIX.matcher(prefix).matches()) {
            throw new MtlsException("invalid --layer-prefix '" + prefix
                    + "': a layer name begins with 1 to 140 letters, digits, '-' and '_'");
        }
        return new StatusQuery(List.of(), prefix, window, now);
    }

    /** Whether a layer of the account (by name) is one this query looks at. */
    public boolean selects(String layerName) {
        return layerNames.isEmpty() ? layerName.startsWith(layerPrefix) : layerNames.contains(layerName);
    }

    public long renewBeforeDays() {
        return renewBefore.toDays();
    }
}
