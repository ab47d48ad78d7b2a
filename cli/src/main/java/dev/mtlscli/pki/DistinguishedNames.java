package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

import java.util.Arrays;
import java.util.Collections;

/** Parses the subject names users write in specs (RFC 4514: "CN=..., O=..."). */
public final class DistinguishedNames {
    private DistinguishedNames() {
    }

    public static X500Name parse(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new MtlsException("empty certificate subject");
        }
        // A control character in a subject ends up in every tool's output that shows the
        // certificate (openssl, keytool, nginx logs), escape sequences included.
        if (subject.chars().anyMatch(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))) {
            throw new MtlsException("invalid certificate subject '" + subject + "': it holds control characters");
        }
        try {
            // RFC 4514 strings list the most specific RDN first, the DER encoding the least
            // specific, so the parsed order is reversed; readers then print what was written.
            RDN[] rdns = new X500Name(BCStyle.INSTANCE, subject).getRDNs();
            Collections.reverse(Arrays.asList(rdns));
            X500Name name = new X500Name(BCStyle.INSTANCE, rdns);
            if (name.getRDNs().length == 0) {
                throw new MtlsException("invalid certificate subject '" + subject + "'");
            }
            return name;
        } catch (IllegalArgumentException e) {
            throw new MtlsException("invalid certificate subject '" + subject + "': " + e.getMessage());
        }
    }
}
