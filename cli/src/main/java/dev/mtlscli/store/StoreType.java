package dev.mtlscli.store;

import dev.mtlscli.MtlsException;

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

    @Override
    public String toString() {
        return id;
    }
}
