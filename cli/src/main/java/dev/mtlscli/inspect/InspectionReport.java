package dev.mtlscli.inspect;

import java.util.List;

/** Everything `certs inspect` found in one file. */
public record InspectionReport(String path, String format, List<EntryReport> entries) {

    /** The certificate that expires first, for the warning window. */
    public long minDaysLeft() {
        return entries.stream().flatMap(e -> e.chain().stream()).mapToLong(CertificateReport::daysLeft).min().orElse(Long.MAX_VALUE);
    }
}
