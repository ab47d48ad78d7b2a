/**
 * The TLS side: client SSLContexts from the layer's stores ({@link dev.mtlscli.runtime.tls.SslContexts}),
 * the versions and cipher suites they may negotiate ({@link dev.mtlscli.runtime.tls.TlsPolicy}), and
 * handshake failures turned into a sentence that says which side is wrong
 * ({@link dev.mtlscli.runtime.tls.HandshakeDiagnostics}).
 */
package dev.mtlscli.runtime.tls;
