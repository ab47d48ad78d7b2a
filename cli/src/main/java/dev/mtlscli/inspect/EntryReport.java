package dev.mtlscli.inspect;

import java.util.List;

/**
 * One entry of a file: a key entry with its chain, a trusted certificate, or the certificates
 * of a PEM file. chainVerifies: every certificate is signed by the next; chainComplete: the
 * last one is a self-signed root. keyMatches is null where the entry holds no private key.
 */
public record EntryReport(String alias, String kind, List<CertificateReport> chain, boolean chainVerifies,
                          boolean chainComplete, Boolean keyMatches) {
}
