package dev.mtlscli.spec;

import java.util.regex.Pattern;

/**
 * Service names become directory names, layer names and SSM parameter paths,
 * so they are restricted to what all three accept.
 */
public final class ServiceNames {
    private static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?");

    private ServiceNames() {
    }

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
