package dev.mtlscli.testing;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Small wrappers over the openssl commands the interop tests read. */
public final class Openssl {
    private Openssl() {
    }

    public static String x509Text(Path certificate) {
        return Tool.openssl("x509", "-in", certificate.toString(), "-noout", "-text").runOk().out();
    }

    /** The SHA-256 fingerprint as openssl prints it, AB:CD:... */
    public static String sha256Fingerprint(Path certificate) {
        String out = Tool.openssl("x509", "-in", certificate.toString(), "-noout", "-fingerprint", "-sha256").runOk().out().trim();
        int equals = out.indexOf('=');
        assertTrue(equals > 0, "unexpected fingerprint output: " + out);
        return out.substring(equals + 1).trim();
    }

    public static BigInteger serial(Path certificate) {
        String out = Tool.openssl("x509", "-in", certificate.toString(), "-noout", "-serial").runOk().out().trim();
        assertTrue(out.startsWith("serial="), "unexpected serial output: " + out);
        return new BigInteger(out.substring("serial=".length()), 16);
    }

    /** The public key of a certificate, as PEM. */
    public static String certificatePublicKey(Path certificate) {
        return Tool.openssl("x509", "-in", certificate.toString(), "-noout", "-pubkey").runOk().out();
    }

    /**
     * The header line and the first value line of an X509v3 extension in `openssl x509 -text`,
     * e.g. ["X509v3 Basic Constraints: critical", "CA:TRUE, pathlen:0"].
     */
    public static List<String> extension(String x509Text, String name) {
        List<String> lines = x509Text.lines().map(String::trim).toList();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("X509v3 " + name + ":")) {
                return List.of(lines.get(i), lines.get(i + 1));
            }
        }
        return fail("no X509v3 " + name + " extension in\n" + x509Text);
    }
}
