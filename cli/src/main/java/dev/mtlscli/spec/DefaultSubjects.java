package dev.mtlscli.spec;

/**
 * Subjects for certificates whose spec names none. RFC 5280 caps a commonName at 64
 * characters, while service names may have 64 and host names 253, so a long name moves
 * the certificate's role from the CN into an OU instead of making a subject nobody wrote invalid.
 */
final class DefaultSubjects {
    private static final int MAX_COMMON_NAME = 64;

    private DefaultSubjects() {
    }

    static String ca(String service) {
        return withRole(service, "Root CA");
    }

    static String client(String service) {
        return withRole(service, "client");
    }

    static String server(String service, String host) {
        return host.length() <= MAX_COMMON_NAME ? "CN=" + host : "CN=" + service + ",OU=server";
    }

    private static String withRole(String service, String role) {
        String readable = service + " " + role;
        return readable.length() <= MAX_COMMON_NAME ? "CN=" + readable : "CN=" + service + ",OU=" + role;
    }
}
