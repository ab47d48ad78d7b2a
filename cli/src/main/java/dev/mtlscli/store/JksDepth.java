package dev.mtlscli.store;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Applies {@link Asn1Depth} to every ASN.1 encoding inside a JKS store before the JDK loads it. A
 * JKS is no ASN.1 itself, but each certificate in it goes to the JDK's certificate parser, whose
 * BER reader recurses once per nesting level, while the store is read, before its integrity
 * check: anyone can make a store that ends in a StackOverflowError, no password needed. The
 * format (sun.security.provider.JavaKeyStore, versions 1 and 2): magic, version, entry count,
 * then per entry its tag, alias and date, and a key entry's encrypted key and certificate chain
 * or a trusted entry's certificate, each certificate after its type (version 2) and length.
 */
final class JksDepth {
    private static final int MAGIC = 0xFEEDFEED;
    private static final int KEY_ENTRY = 1;
    private static final int TRUSTED_CERTIFICATE = 2;

    private JksDepth() {
    }

    /**
     * Throws Asn1Depth's one-line refusal naming {@code source} when an encoding in the store nests
     * too deep; a store that is not well-formed is left to the JDK to report.
     */
    static void check(byte[] jks, String source) {
        ByteBuffer in = ByteBuffer.wrap(jks);
        try {
            int version;
            if (in.getInt() != MAGIC || ((version = in.getInt()) != 1 && version != 2)) {
                return;
            }
            int entries = in.getInt();
            for (int entry = 0; entry < entries; entry++) {
                int tag = in.getInt();
                if (tag != KEY_ENTRY && tag != TRUSTED_CERTIFICATE) {
                    return;
                }
                skipUtf(in); // alias
                in.getLong(); // date
                if (tag == KEY_ENTRY) {
                    Asn1Depth.check(blob(in), source); // the EncryptedPrivateKeyInfo
                    int chain = in.getInt();
                    for (int i = 0; i < chain; i++) {
                        certificate(in, version, source);
                    }
                } else {
                    certificate(in, version, source);
                }
            }
        } catch (BufferUnderflowException | IllegalArgumentException truncatedOrDamaged) {
            // the JDK's loader says what is wrong with it
        }
    }

    private static void certificate(ByteBuffer in, int version, String source) {
        if (version == 2) {
            skipUtf(in); // the certificate type, X.509
        }
        Asn1Depth.check(blob(in), source);
    }

    private static byte[] blob(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] bytes = Arrays.copyOfRange(in.array(), in.position(), in.position() + length);
        in.position(in.position() + length);
        return bytes;
    }

    /** DataOutput.writeUTF's form: an unsigned 16-bit length, then that many bytes. */
    private static void skipUtf(ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        in.position(in.position() + length);
    }
}
