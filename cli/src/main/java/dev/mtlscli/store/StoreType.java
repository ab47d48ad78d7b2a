package dev.mtlscli.store;

import dev.mtlscli.MtlsException;

import java.util.Arrays;
import java.util.Locale;

/** KeyStore formats we write; PKCS12 is the default, JKS is for consumers older than Java 9. */
public enum StoreType {
    PKCS12("pkcs12", "PKCS12", "p12"),
    JKS("jks", "JKS", "jks");

    private final String id;
    private final String jcaType;
    private final String extension;

    StoreType(String id, String jcaType, String extension) {
        this.id = id;
        this.jcaType = jcaType;
        this.extension = extension;
    }

    public String id() {
        return id;
    }

    public String jcaType() {
        return jcaType;
    }

    public String extension() {
        return extension;
    }

    public static StoreType fromId(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (StoreType type : values()) {
            if (type.id.equals(wanted)) {
                return type;
            }
        }
        throw new MtlsException("unknown store type '" + id + "' (expected pkcs12 or jks)");
    }

    private static final byte[] JKS_MAGIC = {(byte) 0xFE, (byte) 0xED, (byte) 0xFE, (byte) 0xED};

    /**
     * The format of a store told by its content, not its name: JKS starts with its magic
     * number, PKCS12 with a DER SEQUENCE; anything else is neither.
     */
    public static StoreType detect(byte[] bytes, String source) {
        if (bytes.length == 0) {
            throw new MtlsException(source + " is empty");
        }
        if (bytes.length >= JKS_MAGIC.length && Arrays.equals(bytes, 0, JKS_MAGIC.length, JKS_MAGIC, 0, JKS_MAGIC.length)) {
            return JKS;
        }
        if ((bytes[0] & 0xFF) == 0x30) {
            return PKCS12;
        }
        throw new MtlsException(source + " is neither a PKCS12 nor a JKS store");
    }

    @Override
    public String toString() {
        return id;
    }
}
