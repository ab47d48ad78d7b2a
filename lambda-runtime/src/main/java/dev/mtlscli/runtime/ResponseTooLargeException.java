package dev.mtlscli.runtime;

import java.io.IOException;

/**
 * A backend's response body was longer than {@link MtlsClient#get} reads into memory, as announced
 * (Content-Length) or as sent; the transfer was stopped there. The message names the URI without
 * its query (which may carry a token) and the limit, never any of the body.
 */
public final class ResponseTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The most bytes get() would read. */
    private final long limit;

    ResponseTooLargeException(String where, long limit) {
        super("the body of " + where + " is longer than " + limit + " bytes, the most get() reads (MtlsClients.Builder.maxBodyBytes,"
                + " or " + MtlsClients.MAX_BODY_BYTES_ENV + "; send() with a BodyHandler of your own reads any size)");
        this.limit = limit;
    }

    /**
     * The limit the body went past.
     *
     * @return the most bytes get() would read
     */
    public long limit() {
        return limit;
    }
}
