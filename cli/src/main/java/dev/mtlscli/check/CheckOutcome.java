package dev.mtlscli.check;

/**
 * How one service's call to its local backend went.
 *
 * @param protocol    the TLS version negotiated, null when the handshake failed
 * @param cipherSuite the cipher suite negotiated, null likewise
 * @param httpStatus  the backend's HTTP status, 0 when none was read
 * @param reason      why the call failed, null when it answered 200
 */
public record CheckOutcome(String service, String host, int port, String protocol, String cipherSuite, int httpStatus,
                           String reason) {
    public boolean ok() {
        return reason == null;
    }
}
