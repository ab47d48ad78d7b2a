package dev.mtlscli.rotator;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.LayerVersionArn;
import dev.mtlscli.layer.LayerLister;
import dev.mtlscli.layer.LayerMaterial;
import dev.mtlscli.layer.ListedVersion;
import dev.mtlscli.pki.CertificateIssuer;
import dev.mtlscli.pki.CertificateProfile;
import dev.mtlscli.pki.KeyAlgorithm;
import dev.mtlscli.pki.LeafRequest;
import dev.mtlscli.rotation.MaterialSource;
import dev.mtlscli.rotation.MaterialStep;
import dev.mtlscli.rotation.RotationPlan;
import dev.mtlscli.rotation.RotationRequest;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.scheduled.DesiredState;
import dev.mtlscli.scheduled.ScheduledIssuer;
import dev.mtlscli.store.KeyStoreFiles;
import dev.mtlscli.store.PasswordGenerator;
import dev.mtlscli.store.StoreType;
import dev.mtlscli.workspace.CertificateFacts;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.store.BoundedReads;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The scheduled rotator's material: renewal only, made in memory from what AWS holds. The
 * current client certificate is read from the newest layer version's manifest (which records it
 * whole); its successor has a new key pair of the same algorithm, the same subject and validity
 * length, and is issued by the desired state's CA (a KMS key or an ACM Private CA); keystore and
 * truststore (the desired state's trust anchors) get fresh passwords. Nothing is written to disk
 * and no key or password leaves the process except into the layer and SSM.
 *
 * <p>A CA rollover is never scheduled: it waits for a backend to trust the new CA, which only a
 * person can confirm ({@code mtls-cli rotate --new-ca}).
 */
final class AwsMaterialSource implements MaterialSource {
    private final DesiredState desired;
    private final LambdaClient lambda;
    private final SsmClient ssm;
    private final Function<ScheduledIssuer, CertificateIssuer> issuers;
    private final SecureRandom random;
    private final Current current;
    private LayerMaterial renewed;

    /** What the newest published version holds for the service. */
    record Current(String layerVersionArn, LayerManifest manifest, X509Certificate certificate, StoreType storeType) {
    }

    /**
     * @param issuers connects to the desired state's CA (only when a renewal is made)
     */
    AwsMaterialSource(DesiredState desired, LambdaClient lambda, SsmClient ssm, Function<ScheduledIssuer, CertificateIssuer> issuers,
                      SecureRandom random) {
        this.desired = desired;
        this.lambda = lambda;
        this.ssm = ssm;
        this.issuers = issuers;
        this.random = random;
        this.current = newest(desired, lambda);
    }

    /** The certificate the newest layer version carries, from which renewal is decided. */
    X509Certificate currentCertificate() {
        return current.certificate();
    }

    @Override
    public MaterialStep caStep(RotationRequest.CaRolloverRequest request) {
        return MaterialStep.NONE;
    }

    @Override
    public synchronized void apply(MaterialStep step) {
        if (step == MaterialStep.NONE) {
            return;
        }
        if (step != MaterialStep.RENEW) {
            throw new MtlsException(desired.service() + ": the scheduled rotator renews only; a CA rollover (" + step
                    + ") is a person's mtls-cli rotate --new-ca");
        }
        X509Certificate previous = current.certificate();
        KeyPair keys = KeyAlgorithm.of(previous.getPublicKey()).generate(random);
        CertificateIssuer issuer = issuers.apply(desired.issuer());
        List<X509Certificate> issued = issuer.issue(new LeafRequest(CertificateFacts.subject(previous), CertificateProfile.CLIENT, keys,
                CertificateFacts.validityDays(previous), List.of(), List.of()));
        X509Certificate leaf = issued.get(0);
        if (!Arrays.equals(leaf.getPublicKey().getEncoded(), keys.getPublic().getEncoded())) {
            throw new MtlsException(desired.service() + ": the issuer returned a certificate for another key than the one requested");
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        if (desired.issuer() instanceof ScheduledIssuer.Kms kms) {
            chain.addAll(kms.chain());
        } else {
            chain.addAll(issued.subList(1, issued.size()));
        }
        PasswordGenerator passwords = new PasswordGenerator(random);
        char[] keyStorePassword = passwords.next();
        char[] trustStorePassword = passwords.next();
        StoreType type = current.storeType();
        byte[] keyStore = KeyStoreFiles.keyStoreBytes(type, desired.service(), keys.getPrivate(), chain, keyStorePassword);
        Map<String, X509Certificate> anchors = new LinkedHashMap<>();
        for (int i = 0; i < desired.trustAnchors().size(); i++) {
            anchors.put(desired.service() + "-ca-" + (i + 1), desired.trustAnchors().get(i));
        }
        byte[] trustStore = KeyStoreFiles.trustStoreBytes(type, anchors, trustStorePassword);
        renewed = new LayerMaterial(desired.service(), current.manifest().host(), type.jcaType(), type.extension(), keyStore, trustStore,
                keyStorePassword, trustStorePassword, leaf);
    }

    @Override
    public synchronized LayerMaterial publishable(Instant now) {
        if (renewed == null) {
            throw new MtlsException(desired.service() + ": nothing was renewed in this run to publish");
        }
        X509Certificate leaf = renewed.clientCertificate();
        if (now.isBefore(leaf.getNotBefore().toInstant()) || now.isAfter(leaf.getNotAfter().toInstant())) {
            throw new MtlsException(desired.service() + ": the renewed certificate is not valid at " + now + " (valid "
                    + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant() + "); check the clock");
        }
        return renewed;
    }

    /**
     * A resumed rotation whose renewal was journaled by a run that is gone has no material in
     * memory. When a version newer than the plan's is published, that run published it before
     * it could journal so (or a person published since, under no lease): its material is read
     * back from the layer and SSM, so that publishing it finds the same content and publishes no
     * second version. Otherwise nothing was published, and the renewal is simply made again.
     */
    @Override
    public synchronized LayerMaterial publishable(RotationPlan plan, Instant now) {
        if (renewed == null) {
            long planned = LayerVersionArn.parse(plan.currentArn()).version();
            if (LayerVersionArn.parse(current.layerVersionArn()).version() > planned) {
                renewed = readBack();
            } else {
                // a CA step a person journaled is refused here: the rotator renews only
                apply(plan.materialStep());
            }
        }
        return publishable(now);
    }

    /** The material of the newest version: its stores from the layer zip, their passwords from the SSM versions it pins. */
    private LayerMaterial readBack() {
        LayerVersionArn arn = LayerVersionArn.parse(current.layerVersionArn());
        byte[] zip = new LayerLister(lambda).content(arn.layerName(), arn.version());
        String directory = "mtls/" + desired.service() + "/";
        LayerManifest manifest = current.manifest();
        byte[] keyStore = entry(zip, directory + manifest.keyStore().file());
        byte[] trustStore = entry(zip, directory + manifest.trustStore().file());
        return new LayerMaterial(desired.service(), manifest.host(), current.storeType().jcaType(), current.storeType().extension(),
                keyStore, trustStore, password(manifest.keyStore().password()), password(manifest.trustStore().password()),
                current.certificate());
    }

    private char[] password(ParameterRef ref) {
        String value = AwsCalls.call(AwsService.SSM, "GetParameter " + ref.name(), () -> ssm.getParameter(b -> b.name(ref.selector())
                .withDecryption(true)).parameter().value());
        return value.toCharArray();
    }

    private byte[] entry(byte[] zip, String name) {
        try (ZipFile file = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(zip)).get()) {
            ZipArchiveEntry entry = file.getEntry(name);
            if (entry == null) {
                throw new MtlsException(current.layerVersionArn() + " has no " + name);
            }
            try (InputStream in = file.getInputStream(entry)) {
                return BoundedReads.read(in, BoundedReads.MATERIAL, name + " in " + current.layerVersionArn());
            }
        } catch (IOException e) {
            throw new MtlsException(current.layerVersionArn() + ": cannot read " + name + " from the layer zip: " + e.getMessage());
        }
    }

    private static Current newest(DesiredState desired, LambdaClient lambda) {
        List<ListedVersion> versions = new LayerLister(lambda).list(desired.layerName());
        if (versions.isEmpty()) {
            throw new MtlsException("layer " + desired.layerName() + " has no published version; publish it first with 'mtls-cli layer publish'");
        }
        ListedVersion newest = versions.get(0);
        LayerManifest manifest = newest.manifests().stream().filter(m -> m.service().equals(desired.service())).findFirst()
                .orElseThrow(() -> new MtlsException(newest.layerVersionArn() + " has no manifest for service " + desired.service()
                        + (newest.manifestProblem() == null ? "" : " (" + newest.manifestProblem() + ")")));
        if (manifest.certificateDer() == null) {
            throw new MtlsException(newest.layerVersionArn() + ": its manifest was written before manifests recorded the certificate; "
                    + "publish the service once with a current 'mtls-cli layer publish' so that the rotator can renew it");
        }
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(manifest.certificateDer())));
        } catch (CertificateException | IllegalArgumentException e) {
            throw new MtlsException(newest.layerVersionArn() + ": the manifest's certificate is not a base64 DER certificate");
        }
        StoreType type = Arrays.stream(StoreType.values()).filter(t -> t.jcaType().equalsIgnoreCase(manifest.keyStore().type()))
                .findFirst().orElseThrow(() -> new MtlsException(newest.layerVersionArn() + ": unknown keystore type "
                        + manifest.keyStore().type() + " in its manifest"));
        return new Current(newest.layerVersionArn(), manifest, certificate, type);
    }
}
