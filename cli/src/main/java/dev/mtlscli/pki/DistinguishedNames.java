package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import org.bouncycastle.asn1.x500.X500Name;

/** Parses the subject names users write in specs ("CN=..., O=..."). */
public final class DistinguishedNames {
    private DistinguishedNames() {
    }

    public static X500Name parse(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new MtlsException("empty certificate subject");
        }
        try {
            X500Name name = new X500Name(subject);
            if (name.getRDNs().length == 0) {
                throw new MtlsException("invalid certificate subject '" + subject + "'");
            }
            return name;
        } catch (IllegalArgumentException e) {
            throw new MtlsException("invalid certificate subject '" + subject + "': " + e.getMessage());
        }
    }
}
