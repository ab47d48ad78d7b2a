package dev.mtlscli.store;

import dev.mtlscli.MtlsException;

/**
 * Refuses DER/BER nested deeper than any real certificate, key or store before it reaches a
 * parser. BouncyCastle's ASN1InputStream and the JDK's DER reader recurse once per level, so
 * 20 KB of nested indefinite-length SEQUENCEs end in a StackOverflowError instead of a line.
 * The walk here recurses at most {@link #MAX_DEPTH} times, whatever the input. It also looks
 * inside OCTET and BIT STRINGs that hold an encoding themselves (a PKCS12's AuthenticatedSafe
 * and SafeContents, a certificate's extensions), since the parsers decode those later.
 */
public final class Asn1Depth {
    /** Real PKCS12 files nest about 15 levels (SafeContents inside OCTET STRINGs), certificates about 10. */
    public static final int MAX_DEPTH = 64;

    private Asn1Depth() {
    }

    /** Throws a one-line refusal naming {@code source} when the encoding nests deeper than {@link #MAX_DEPTH}. */
    public static void check(byte[] der, String source) {
        try {
            walk(der, 0, der.length, 0, false);
        } catch (TooDeep e) {
            throw new MtlsException(source + " nests its ASN.1 encoding deeper than " + MAX_DEPTH
                    + " levels; no certificate, key or store does, refusing to parse it");
        }
    }

    private static final class TooDeep extends RuntimeException {
        TooDeep() {
            super(null, null, false, false);
        }
    }

    /**
     * Walks the TLVs in [from, to) at nesting {@code depth}; returns the offset after the last one
     * read, or -1 where the bytes are not well-formed (the parser then reports them itself).
     * With {@code untilEndOfContents} it stops after the 00 00 that ends an indefinite length.
     */
    private static int walk(byte[] b, int from, int to, int depth, boolean untilEndOfContents) {
        if (depth > MAX_DEPTH) {
            throw new TooDeep();
        }
        int i = from;
        while (i < to) {
            if (untilEndOfContents && i + 1 < to && b[i] == 0 && b[i + 1] == 0) {
                return i + 2;
            }
            int tag = b[i++] & 0xff;
            if ((tag & 0x1f) == 0x1f) { // high tag number form
                while (i < to && (b[i] & 0x80) != 0) {
                    i++;
                }
                i++;
            }
            if (i >= to) {
                return -1;
            }
            int first = b[i++] & 0xff;
            boolean constructed = (tag & 0x20) != 0;
            if (first == 0x80) {
                if (!constructed) {
                    return -1;
                }
                i = walk(b, i, to, depth + 1, true);
                if (i < 0) {
                    return -1;
                }
                continue;
            }
            long length;
            if (first < 0x80) {
                length = first;
            } else {
                int octets = first & 0x7f;
                if (octets > 4 || i + octets > to) {
                    return -1;
                }
                length = 0;
                for (int k = 0; k < octets; k++) {
                    length = (length << 8) | (b[i++] & 0xff);
                }
            }
            if (length > to - i) {
                return -1;
            }
            int end = i + (int) length;
            if (constructed) {
                walk(b, i, end, depth + 1, false);
            } else if ((tag == 0x04 || tag == 0x03) && end - i >= 2) {
                // An encoding inside a string: well-formed or not, only its depth matters here.
                // A BIT STRING's first octet counts its unused bits; the encoding follows it.
                int start = tag == 0x03 ? i + 1 : i;
                if ((b[start] & 0x20) != 0) {
                    walk(b, start, end, depth + 1, false);
                }
            }
            i = end;
        }
        return untilEndOfContents ? -1 : i;
    }
}
