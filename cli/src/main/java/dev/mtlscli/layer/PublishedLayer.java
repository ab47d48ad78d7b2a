package dev.mtlscli.layer;

import dev.mtlscli.secrets.PublishedParameter;

import java.time.Instant;
import java.util.List;

/**
 * What `layer publish` did for one service.
 *
 * @param created          false when the newest version already had this content
 * @param grantsAdded      statements added now
 * @param grantsPresent    statements asked for that the version already had
 * @param otherStatements  statement ids on the version that were not asked for (left in place)
 */
public record PublishedLayer(
        String service,
        String layerName,
        String layerVersionArn,
        long version,
        boolean created,
        String codeSha256,
        long codeSize,
        PublishedParameter keyStorePassword,
        PublishedParameter trustStorePassword,
        List<Grant> grantsAdded,
        List<Grant> grantsPresent,
        List<String> otherStatements,
        Instant notAfter,
        String certificateSha256) {
}
