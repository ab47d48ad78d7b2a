package dev.mtlscli.importing;

import dev.mtlscli.pki.KmsKey;
import dev.mtlscli.workspace.WrittenFile;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * `certs import` without the CLI: checks everything first ({@link ImportAnalyzer}), then writes
 * the workspace ({@link ImportWriter}). A refused input leaves nothing written.
 */
public final class MaterialImporter {
    private final SecureRandom random;
    private final Instant now;
    private final Function<String, KmsKey> kmsKeys;

    public MaterialImporter(SecureRandom random, Instant now) {
        this(random, now, null);
    }

    /** @param kmsKeys connects to the KMS keys --ca-kms-key-id names; null without AWS settings */
    public MaterialImporter(SecureRandom random, Instant now, Function<String, KmsKey> kmsKeys) {
        this.random = random;
        this.now = now;
        this.kmsKeys = kmsKeys;
    }

    /** @param layerFiles the files of the layer directory written with it, relative to it (empty without one) */
    public record Result(Path directory, ImportPlan plan, List<WrittenFile> files, List<String> layerFiles) {
    }

    public Result importInto(ImportRequest request, Path out, boolean force) {
        return importInto(request, out, null, force);
    }

    /** Also writes the layer content into {@code layerDirectory} when it is not null (see {@link ImportWriter#write}). */
    public Result importInto(ImportRequest request, Path out, Path layerDirectory, boolean force) {
        ImportPlan plan = new ImportAnalyzer(now, kmsKeys).analyze(request);
        ImportWriter.Written written = new ImportWriter(random).write(plan, request.storeType(), out, layerDirectory, force);
        return new Result(out.toAbsolutePath().normalize(), plan, written.files(), written.layerFiles());
    }
}
