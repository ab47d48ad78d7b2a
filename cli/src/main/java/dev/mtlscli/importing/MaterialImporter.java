package dev.mtlscli.importing;

import dev.mtlscli.workspace.WrittenFile;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;

/**
 * `certs import` without the CLI: checks everything first ({@link ImportAnalyzer}), then writes
 * the workspace ({@link ImportWriter}). A refused input leaves nothing written.
 */
public final class MaterialImporter {
    private final SecureRandom random;
    private final Instant now;

    public MaterialImporter(SecureRandom random, Instant now) {
        this.random = random;
        this.now = now;
    }

    public record Result(Path directory, ImportPlan plan, List<WrittenFile> files) {
    }

    public Result importInto(ImportRequest request, Path out, boolean force) {
        ImportPlan plan = new ImportAnalyzer(now).analyze(request);
        List<WrittenFile> files = new ImportWriter(random).write(plan, request.storeType(), out, force);
        return new Result(out.toAbsolutePath().normalize(), plan, files);
    }
}
