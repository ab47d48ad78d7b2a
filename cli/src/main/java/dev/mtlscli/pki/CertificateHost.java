package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/**
 * The host a server certificate is for: its first DNS name, else its first IP address, else
 * its CN. The CN is the last resort for certificates made without subjectAltNames (the AWS
 * sample's backends have none); the JDK's hostname check falls back to it the same way.
 */
public final class CertificateHost {
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private CertificateHost() {
    }

    /** @param where names the file for the message */
    public static String of(X509Certificate server, String where) {
        try {
            Collection<List<?>> names = server.getSubjectAlternativeNames();
            if (names != null) {
                String ip = null;
                for (List<?> name : names) {
                    if (Integer.valueOf(DNS_NAME).equals(name.get(0))) {
                        return (String) name.get(1);
                    }
                    if (ip == null && Integer.valueOf(IP_ADDRESS).equals(name.get(0))) {
                        ip = (String) name.get(1);
                    }
                }
                if (ip != null) {
                    return ip;
                }
            }
        } catch (CertificateParsingException e) {
            throw new MtlsException(where + ": unreadable subjectAltName");
        }
        String commonName = commonName(server);
        if (commonName == null || commonName.isBlank()) {
            throw new MtlsException(where + " names no host (no subjectAltName, no CN)");
        }
        return commonName;
    }

    /** The most specific CN (the first in RFC 4514 order), or null. */
    private static String commonName(X509Certificate certificate) {
        try {
            List<Rdn> rdns = new LdapName(certificate.getSubjectX500Principal().getName()).getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return rdns.get(i).getValue().toString();
                }
            }
            return null;
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
