package dev.mtlscli.rotation;

/** What `status` makes of one layer version's certificate. */
public enum InventoryState {
    /** Valid for longer than the renewal window. */
    OK("ok"),
    /** Still valid, but expires inside the renewal window. */
    RENEW("renew"),
    /** Expired. */
    EXPIRED("expired"),
    /** Still valid, but its client certificate breaks the key and signature policy (pki.KeyPolicy). */
    WEAK("weak"),
    /** Its manifest could not be read (not an mtls layer, a broken zip, or a deleted version). */
    UNREADABLE("unreadable");

    private final String id;

    InventoryState(String id) {
        this.id = id;
    }

    /** The lower-case name the text and JSON output use. */
    public String id() {
        return id;
    }
}
