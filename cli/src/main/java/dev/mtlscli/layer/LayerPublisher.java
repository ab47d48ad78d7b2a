package dev.mtlscli.layer;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.pki.Fingerprints;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.secrets.ParameterPublisher;
import dev.mtlscli.secrets.PasswordParameters;
import dev.mtlscli.secrets.PublishedParameter;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.GetLayerVersionResponse;
import software.amazon.awssdk.services.lambda.model.LayerVersionsListItem;
import software.amazon.awssdk.services.lambda.model.PublishLayerVersionResponse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The core of `layer publish` for one service: passwords into SSM (a new version only when the
 * value changed), the layer zip with a manifest that pins those versions, PublishLayerVersion
 * unless the newest version already has this exact content, then the grants that are missing.
 * Every step reads before it writes, so a re-run after a failure finishes the job.
 */
public final class LayerPublisher {
    /** Lambda's limit for a zip sent in the request (larger ones must come from S3). */
    public static final long MAX_DIRECT_UPLOAD_BYTES = 50L * 1024 * 1024;

    private final LambdaClient lambda;
    private final ParameterPublisher parameters;
    private final ReleaseAnnouncer announcer;
    private final Consumer<String> progress;

    public LayerPublisher(LambdaClient lambda, ParameterPublisher parameters, Consumer<String> progress) {
        this(lambda, parameters, null, progress);
    }

    /** @param events where releases are announced as events, or null for the release parameter alone ({@link ReleaseAnnouncer}) */
    public LayerPublisher(LambdaClient lambda, ParameterPublisher parameters, ReleaseEvents events, Consumer<String> progress) {
        this(lambda, parameters, events, null, progress);
    }

    /** @param sharing the RAM share of the release parameter, or null when it is not shared */
    public LayerPublisher(LambdaClient lambda, ParameterPublisher parameters, ReleaseEvents events, ReleaseAnnouncer.Sharing sharing,
                          Consumer<String> progress) {
        this.lambda = lambda;
        this.parameters = parameters;
        this.announcer = new ReleaseAnnouncer(parameters, events, sharing, progress);
        this.progress = progress;
    }

    /** Refuses material whose zip Lambda would not take in a direct upload, before anything is called. */
    public static LayerZip checkSize(LayerMaterial material) {
        ParameterRef placeholder = new ParameterRef("/mtls/size-check", Long.MAX_VALUE);
        LayerZip zip = LayerPackager.zip(material, placeholder, placeholder);
        if (zip.size() > MAX_DIRECT_UPLOAD_BYTES) {
            throw new MtlsException(material.service() + ": the layer zip is " + zip.size() / (1024 * 1024)
                    + " MB; Lambda takes at most 50 MB in a direct upload");
        }
        return zip;
    }

    public PublishedLayer publish(LayerMaterial material, String parameterPrefix, PublishOptions options) {
        String service = material.service();
        String layerName = options.layerName(service);
        checkSize(material);

        PublishedParameter keyStorePassword = parameters.publish(parameterPrefix + PasswordParameters.KEYSTORE,
                material.keyStorePassword(), "mtls-cli: password of the " + service + " client keystore in layer " + layerName);
        PublishedParameter trustStorePassword = parameters.publish(parameterPrefix + PasswordParameters.TRUSTSTORE,
                material.trustStorePassword(), "mtls-cli: password of the " + service + " truststore in layer " + layerName);
        report(keyStorePassword);
        report(trustStorePassword);

        LayerZip zip = LayerPackager.zip(material, keyStorePassword.ref(), trustStorePassword.ref());
        Optional<GetLayerVersionResponse> newest = newestVersion(layerName);
        String arn;
        long version;
        long codeSize;
        boolean created;
        if (newest.isPresent() && zip.codeSha256().equals(newest.get().content().codeSha256())) {
            arn = newest.get().layerVersionArn();
            version = newest.get().version();
            codeSize = newest.get().content().codeSize();
            created = false;
            progress.accept(layerName + ": version " + version + " already has this content (CodeSha256 "
                    + zip.codeSha256() + "); nothing published");
        } else {
            PublishLayerVersionResponse published = AwsCalls.call(AwsService.LAMBDA, "PublishLayerVersion " + layerName,
                    () -> lambda.publishLayerVersion(b -> b
                            .layerName(layerName)
                            .description(LayerDescription.of(material))
                            .content(c -> c.zipFile(SdkBytes.fromByteArrayUnsafe(zip.bytes())))
                            .compatibleRuntimesWithStrings(options.compatibleRuntimes())
                            .compatibleArchitectures(options.architectures().stream().map(Architecture::fromValue).toList())));
            if (!zip.codeSha256().equals(published.content().codeSha256())) {
                throw new MtlsException(layerName + ": Lambda stored version " + published.version() + " with CodeSha256 "
                        + published.content().codeSha256() + ", not the " + zip.codeSha256() + " that was sent");
            }
            arn = published.layerVersionArn();
            version = published.version();
            codeSize = published.content().codeSize();
            created = true;
            progress.accept(layerName + ": published version " + version + " (" + arn + ")");
        }

        Map<String, LayerVersionPolicy.Statement> statements = LayerVersionPolicy.read(lambda, layerName, version);
        List<Grant> added = new ArrayList<>();
        List<Grant> present = new ArrayList<>();
        for (Grant grant : options.grants()) {
            if (statements.containsKey(grant.statementId())) {
                present.add(grant);
                continue;
            }
            AwsCalls.run(AwsService.LAMBDA, "AddLayerVersionPermission " + layerName + ":" + version,
                    () -> lambda.addLayerVersionPermission(b -> b
                            .layerName(layerName)
                            .versionNumber(version)
                            .statementId(grant.statementId())
                            .action(Grant.ACTION)
                            .principal(grant.principal())
                            .organizationId(grant.organizationId())));
            added.add(grant);
            progress.accept(layerName + ":" + version + ": granted to " + grant.describe());
        }
        List<String> others = statements.keySet().stream()
                .filter(sid -> options.grants().stream().noneMatch(grant -> grant.statementId().equals(sid)))
                .sorted().toList();
        PublishedLayer result = new PublishedLayer(service, layerName, arn, version, created, zip.codeSha256(), codeSize,
                keyStorePassword, trustStorePassword, added, present, others, material.notAfter(),
                Fingerprints.sha256(material.clientCertificate()));
        // after the grants: a consumer that resolves the parameter can use what it names
        announcer.announce(result, parameterPrefix);
        return result;
    }

    private void report(PublishedParameter parameter) {
        progress.accept(parameter.ref().name() + ": " + (parameter.changed()
                ? "stored as version " + parameter.ref().version()
                : "version " + parameter.ref().version() + " already holds this password"));
    }

    /**
     * The newest version with its CodeSha256 (ListLayerVersions does not carry it). Lambda lists
     * newest first; the maximum of the first page is taken so the order does not matter.
     */
    private Optional<GetLayerVersionResponse> newestVersion(String layerName) {
        List<LayerVersionsListItem> versions = AwsCalls.call(AwsService.LAMBDA, "ListLayerVersions " + layerName,
                () -> lambda.listLayerVersions(b -> b.layerName(layerName)).layerVersions());
        Optional<LayerVersionsListItem> newest = versions.stream().max(Comparator.comparingLong(LayerVersionsListItem::version));
        return newest.map(item -> AwsCalls.call(AwsService.LAMBDA, "GetLayerVersion " + layerName + ":" + item.version(),
                () -> lambda.getLayerVersion(b -> b.layerName(layerName).versionNumber(item.version()))));
    }
}
