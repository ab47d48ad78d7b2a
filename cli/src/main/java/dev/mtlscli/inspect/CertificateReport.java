package dev.mtlscli.inspect;

import java.time.Instant;
import java.util.List;

/** What `certs inspect` shows of one certificate; policyViolations are the KeyPolicy rules it breaks. */
public record CertificateReport(
        String subject,
        String issuer,
        String serial,
        List<String> subjectAltNames,
        List<String> keyUsage,
        List<String> extendedKeyUsage,
        boolean ca,
        String keyType,
        int keySize,
        Instant notBefore,
        Instant notAfter,
        long daysLeft,
        String sha256,
        List<String> policyViolations) {
}
