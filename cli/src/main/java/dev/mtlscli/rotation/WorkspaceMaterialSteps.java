package dev.mtlscli.rotation;

import dev.mtlscli.MtlsException;
import dev.mtlscli.layer.LayerMaterial;
import dev.mtlscli.layer.MaterialCheck;
import dev.mtlscli.pki.KmsCaKeys;
import dev.mtlscli.workspace.CaRollover;
import dev.mtlscli.workspace.ClientRenewal;
import dev.mtlscli.workspace.ExistingWorkspace;
import dev.mtlscli.workspace.IntermediateRollover;
import dev.mtlscli.workspace.OfflineRootDirectory;
import dev.mtlscli.workspace.WorkspaceIssuers;
import dev.mtlscli.workspace.WorkspaceLayout;
import software.amazon.awssdk.services.acmpca.AcmPcaClient;
import software.amazon.awssdk.services.kms.KmsClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The workspace side of a rotation: renewal from the service's current CA, and the three CA
 * rollover steps, chosen from what was asked and where the rollover stands in the workspace.
 */
public final class WorkspaceMaterialSteps implements MaterialSource {
    private final Path workspace;
    private final String service;
    private final Supplier<AcmPcaClient> acmPca;
    private final Function<String, KmsClient> kms;
    private final Path offlineRoot;
    private final Consumer<String> notices;
    private final SecureRandom random;
    /** The material step this process made in the workspace, so it is the one published. */

    public WorkspaceMaterialSteps(Path workspace, String service, Supplier<AcmPcaClient> acmPca, SecureRandom random) {
        this(workspace, service, acmPca, null, random);
    }

    public WorkspaceMaterialSteps(Path workspace, String service, Supplier<AcmPcaClient> acmPca, Function<String, KmsClient> kms,
                                  SecureRandom random) {
        this(workspace, service, acmPca, kms, notice -> {
        }, random);
    }

    /**
     * @param kms     the KMS client of a region, for a service whose CA key is a KMS key
     * @param notices told what a step did that the user must know, e.g. a KMS key scheduled for deletion
     */
    public WorkspaceMaterialSteps(Path workspace, String service, Supplier<AcmPcaClient> acmPca, Function<String, KmsClient> kms,
                                  Consumer<String> notices, SecureRandom random) {
        this(workspace, service, acmPca, kms, null, notices, random);
    }

    /** @param offlineRoot the --offline-root DIR, which a new KMS intermediate under an offline root needs; null when not given */
    public WorkspaceMaterialSteps(Path workspace, String service, Supplier<AcmPcaClient> acmPca, Function<String, KmsClient> kms,
                                  Path offlineRoot, Consumer<String> notices, SecureRandom random) {
        this.workspace = workspace;
        this.service = service;
        this.acmPca = acmPca;
        this.kms = kms;
        this.offlineRoot = offlineRoot;
        this.notices = notices;
        this.random = random;
    }

    @Override
    public void apply(MaterialStep step) {
        // opened for each step: the previous one rewrote files and passwords
        ExistingWorkspace ws = ExistingWorkspace.open(workspace);
        switch (step) {
            case RENEW -> new ClientRenewal(random).renew(ws, service, WorkspaceIssuers.current(ws, service, acmPca, kms, random));
            case CA_PREPARE -> new CaRollover(random, kms).prepare(ws, service);
            case CA_ISSUE -> {
                if (IntermediateRollover.underOfflineRoot(ws, service)) {
                    new IntermediateRollover(random, kms).roll(ws, service, offlineRoot);
                } else {
                    new CaRollover(random, kms).issueFromNext(ws, service);
                }
            }
            case CA_COMPLETE -> new CaRollover(random, kms).complete(ws, service).retired().ifPresent(key -> notices.accept(
                    "The old CA's KMS key " + key.arn() + " is scheduled for deletion on "
                            + key.deletionDate().truncatedTo(ChronoUnit.SECONDS) + " ("
                            + KmsCaKeys.DELETION_WINDOW_DAYS + " days); to keep it, run: " + key.howToCancel()));
            case NONE -> {
            }
        }
    }

    @Override
    public LayerMaterial publishable(Instant now) {
        // opened again: the material step has just rewritten the keystore and passwords.json
        return publishable(workspace, service, now);
    }

    /** A service's material in a workspace, checked as `layer publish` checks it. */
    static LayerMaterial publishable(Path workspace, String service, Instant now) {
        return new MaterialCheck(now, Duration.ZERO, false).check(ExistingWorkspace.open(workspace), service);
    }

    /**
     * Under an offline root the backend and the clients trust the root, which a new intermediate
     * keeps, so --new-ca goes straight to issuing from it (nothing to wait for); it needs the
     * offline root to sign the intermediate unless a cut-off run already did.
     */
    private MaterialStep intermediateStep(ExistingWorkspace ws, CaRollover.State state) {
        if (state == CaRollover.State.ISSUED_FROM_NEXT) {
            throw new MtlsException(service + " already uses certificates of its new KMS intermediate; finish the rollover with "
                    + "'mtls-cli rotate --service " + service + " --complete-ca-rollover'");
        }
        boolean signed = Files.isRegularFile(ws.path(WorkspaceLayout.nextCaCertificate(service)));
        if (offlineRoot == null && !signed) {
            throw new MtlsException(service + ": the CA is a KMS intermediate under an offline root, and --new-ca makes a new "
                    + "intermediate that the root signs: run again with --offline-root DIR (the directory certs create "
                    + "--offline-root wrote)");
        }
        if (!signed) {
            // a DIR that cannot sign is refused before a plan (and a journal) is made
            List<X509Certificate> chain = ws.certificates(WorkspaceLayout.caCertificate(service));
            OfflineRootDirectory.open(offlineRoot, service, ws.directory(), chain.get(chain.size() - 1), random);
        }
        return MaterialStep.CA_ISSUE;
    }

    /**
     * The CA step a request leads to from where the rollover stands.
     *
     * @throws WaitingForConfirmation when the new CA is prepared and the backend has not confirmed it trusts it
     */
    @Override
    public MaterialStep caStep(RotationRequest.CaRolloverRequest request) {
        if (request == RotationRequest.CaRolloverRequest.NONE) {
            return MaterialStep.NONE;
        }
        ExistingWorkspace ws = ExistingWorkspace.open(workspace);
        CaRollover.requireRollable(ws, service); // before a plan is made that its first step would refuse
        CaRollover.State state = new CaRollover(random).state(ws, service);
        if (IntermediateRollover.underOfflineRoot(ws, service) && request != RotationRequest.CaRolloverRequest.COMPLETE) {
            return intermediateStep(ws, state);
        }
        String clientCa = workspace.resolve("servers").resolve(service).resolve("client-ca.crt").toString();
        return switch (request) {
            case NEW_CA, NEW_CA_CONFIRMED -> switch (state) {
                case NONE -> MaterialStep.CA_PREPARE;
                case PREPARED -> {
                    if (request == RotationRequest.CaRolloverRequest.NEW_CA) {
                        throw new WaitingForConfirmation("The new CA of " + service + " is prepared; nothing is issued from it until "
                                + "the backend trusts it. Deploy " + clientCa + " (both CAs) on the backend, then run: "
                                + "mtls-cli rotate --service " + service + " --new-ca --backend-trusts-new-ca");
                    }
                    yield MaterialStep.CA_ISSUE;
                }
                case ISSUED_FROM_NEXT -> throw new MtlsException(service + " already uses certificates of its new CA; finish the "
                        + "rollover with 'mtls-cli rotate --service " + service + " --complete-ca-rollover'");
            };
            case COMPLETE -> {
                if (state != CaRollover.State.ISSUED_FROM_NEXT) {
                    throw new MtlsException("no CA rollover of " + service + " to complete (it is at " + state
                            + "; start one with --new-ca)");
                }
                yield MaterialStep.CA_COMPLETE;
            }
            case NONE -> MaterialStep.NONE;
        };
    }
}
