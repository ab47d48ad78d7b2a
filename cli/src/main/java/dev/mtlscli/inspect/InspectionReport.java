package dev.mtlscli.inspect;

import java.util.List;

/** Everything `certs inspect` found in one file. */
public record InspectionReport(String path, String format, List<EntryReport> entries) {

    /** The certificate that expires first, for the warning window. */
    public long minDaysLeft() {
        return entries.stream().flatMap(e -> e.chain().stream()).mapToLong(CertificateReport::daysLeft).min().orElse(Long.MAX_VALUE);
    }

    /**
     * Whether someone must look at this file: a certificate expires within warnDays (or has
     * expired), a chain does not verify, a private key is not its certificate's, or a certificate
     * breaks the key policy. Each is as much a finding as an expiry: a script must not read any of
     * them as "all good".
     */
    public boolean needsAttention(int warnDays) {
        boolean broken = entries.stream().anyMatch(e -> (!e.chain().isEmpty() && !e.chainVerifies())
                || Boolean.FALSE.equals(e.keyMatches())
                || e.chain().stream().anyMatch(c -> !c.policyViolations().isEmpty()));
        return broken || minDaysLeft() < warnDays;
    }
}
