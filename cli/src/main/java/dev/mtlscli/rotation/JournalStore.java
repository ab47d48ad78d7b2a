package dev.mtlscli.rotation;

import java.util.List;

/**
 * Where a {@link RotationJournal} keeps its lines: a file in the workspace for `mtls-cli rotate`,
 * items of the state table for the scheduled rotator, which has no disk that outlives a run.
 */
public interface JournalStore {
    /**
     * Appends one line (JSON, no newline in it); when this returns the line survives a crash, since
     * a re-run trusts the journal to say which step is done.
     */
    void append(String line);

    /** Every line completely written, oldest first; one a crash cut short is left out. */
    List<String> lines();

    /** Where the lines are, for messages ("&lt;location&gt; line N"). */
    String location();
}
