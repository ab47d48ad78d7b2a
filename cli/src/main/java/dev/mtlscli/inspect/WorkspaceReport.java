package dev.mtlscli.inspect;

import java.util.List;

/** Everything `certs inspect` found in a workspace: one report per file, in the order of their paths. */
public record WorkspaceReport(String directory, String storeType, List<String> services, List<WorkspaceFile> files) {

    /** The files that need attention, as {@link InspectionReport#needsAttention} judges one file. */
    public List<WorkspaceFile> needingAttention(int warnDays) {
        return files.stream().filter(file -> file.report().needsAttention(warnDays)).toList();
    }
}
