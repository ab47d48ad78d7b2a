package dev.mtlscli.rotation;

import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.aws.LayerVersionArn;
import dev.mtlscli.layer.ListedVersion;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * `rotate --prune`: deletes the layer versions of a service that no function uses, that are not
 * the newest, and that are older than a grace period (a function being deployed elsewhere may be
 * about to name one). Parameter versions are never deleted: SSM can only delete a parameter
 * with all its versions, and the remaining layer versions pin some of them.
 */
public final class LayerPruner {
    /** Lambda's CreatedDate, e.g. 2018-11-27T15:10:45.123+0000. */
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    private LayerPruner() {
    }

    public record Candidate(String layerVersionArn, String createdDate, boolean deletable, String why) {
    }

    public static List<Candidate> candidates(List<ListedVersion> versions, Set<String> inUse, Duration grace, Instant now) {
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
            ListedVersion version = versions.get(i);
            String arn = version.layerVersionArn();
            if (i == 0) {
                candidates.add(new Candidate(arn, version.createdDate(), false, "newest version"));
            } else if (inUse.contains(arn)) {
                candidates.add(new Candidate(arn, version.createdDate(), false, "in use"));
            } else if (created(version) == null || created(version).plus(grace).isAfter(now)) {
                candidates.add(new Candidate(arn, version.createdDate(), false, "younger than the " + grace.toDays() + "-day grace period"));
            } else {
                candidates.add(new Candidate(arn, version.createdDate(), true, "unused"));
            }
        }
        return candidates;
    }

    public static void delete(LambdaClient lambda, String layerVersionArn) {
        LayerVersionArn arn = LayerVersionArn.parse(layerVersionArn);
        AwsCalls.run(AwsService.LAMBDA, "DeleteLayerVersion " + arn,
                () -> lambda.deleteLayerVersion(b -> b.layerName(arn.layerName()).versionNumber(arn.version())));
    }

    private static Instant created(ListedVersion version) {
        try {
            return OffsetDateTime.parse(version.createdDate(), CREATED).toInstant();
        } catch (DateTimeParseException | NullPointerException e) {
            // an unreadable date never makes a version deletable
            return null;
        }
    }
}
