package dev.mtlscli.spec;

import org.bouncycastle.util.IPAddress;

import java.util.regex.Pattern;

/** Validation of the names that go into subjectAltName (RFC 1123 host names, IP literals). */
public final class HostNames {
    private static final Pattern LEADING_ZERO = Pattern.compile("(^|\\.)0\\d");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private HostNames() {
    }

    /** A DNS name; a wildcard is allowed only as the whole left-most label, and only where wildcards are. */
    public static boolean isValidDnsName(String name, boolean allowWildcard) {
        if (name == null || name.isEmpty() || name.length() > 253 || name.endsWith(".")) {
            return false;
        }
        String[] labels = name.split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            if (i == 0 && allowWildcard && labels.length > 2 && "*".equals(labels[0])) {
                continue;
            }
            if (!LABEL.matcher(labels[i]).matches()) {
                return false;
            }
        }
        // an all-numeric last label would be read as an IPv4 address by most clients
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    /** An IPv4 or IPv6 literal; IPv4 octets with leading zeros are refused, as some tools read them as octal. */
    public static boolean isValidIpAddress(String address) {
        if (address == null || !IPAddress.isValid(address)) {
            return false;
        }
        return !IPAddress.isValidIPv4(address) || !LEADING_ZERO.matcher(address).find();
    }
}
