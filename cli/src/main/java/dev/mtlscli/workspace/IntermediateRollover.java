package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.Arns;
import dev.mtlscli.pki.DistinguishedNames;
import dev.mtlscli.pki.KeyPairs;
import dev.mtlscli.pki.KmsCaKeys;
import dev.mtlscli.pki.KmsCertificateAuthority;
import dev.mtlscli.pki.KmsKey;
import dev.mtlscli.pki.LocalCertificateAuthority;
import dev.mtlscli.store.PemFiles;
import dev.mtlscli.store.SecureFiles;
import dev.mtlscli.workspace.ClientRenewal.ClientEntry;
import dev.mtlscli.workspace.ClientRenewal.RenewedClient;
import software.amazon.awssdk.services.kms.KmsClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The rollover of a KMS intermediate under an offline root (`rotate --new-ca --offline-root DIR`):
 * a new KMS key whose intermediate the same root signs. The backend and the clients trust the
 * root, which does not change, so there is no overlap to wait for: one step makes the new
 * intermediate, issues the client identity and the server certificate from it and makes it the
 * service's CA, keeping the replaced one in ca/&lt;service&gt;/previous/ until
 * {@link CaRollover#complete} schedules the deletion of its key. Each write is atomic and a run
 * cut off is finished by running it again: the new key's ARN is written before its certificate,
 * and what was already issued from the new intermediate is not issued again.
 */
public final class IntermediateRollover {
    private final SecureRandom random;
    private final Function<String, KmsClient> kms;

    /** @param kms the KMS client of a region */
    public IntermediateRollover(SecureRandom random, Function<String, KmsClient> kms) {
        this.random = random;
        this.kms = kms;
    }

    /** Whether the service's CA is a KMS intermediate under an offline root: ca.crt holds it, then the root. */
    public static boolean underOfflineRoot(ExistingWorkspace workspace, String service) {
        return workspace.caKmsKey(service).isPresent() && workspace.certificates(WorkspaceLayout.caCertificate(service)).size() > 1;
    }

    /** @param offlineRoot the --offline-root DIR, needed until the new intermediate is signed; null when not given */
    public CaRollover.Step roll(ExistingWorkspace workspace, String service, Path offlineRoot) {
        synchronized (workspace) {
            boolean previous = Files.isRegularFile(workspace.path(WorkspaceLayout.previousCaCertificate(service)));
            boolean next = Files.isRegularFile(workspace.path(WorkspaceLayout.nextCaCertificate(service)));
            if (previous && !next) {
                throw new MtlsException(service + ": the previous rollover of the KMS intermediate is not complete ("
                        + WorkspaceLayout.previousCaCertificate(service) + " is kept); finish it with mtls-cli rotate --service "
                        + service + " --complete-ca-rollover before starting another");
            }
            List<X509Certificate> current = workspace.certificates(WorkspaceLayout.caCertificate(service));
            X509Certificate oldIntermediate = previous
                    ? workspace.certificates(WorkspaceLayout.previousCaCertificate(service)).get(0) : current.get(0);
            X509Certificate root = current.get(current.size() - 1);
            List<String> written = new ArrayList<>();
            KmsCertificateAuthority newCa = next ? nextCa(workspace, service, root)
                    : createNext(workspace, service, oldIntermediate, root, offlineRoot, written);

            Optional<RenewedClient> client = Optional.empty();
            Optional<ClientEntry> entry = ClientRenewal.tryCurrent(workspace, service);
            if (entry.isEmpty() || !CertificateFacts.issuedBy(entry.get().leaf(), newCa.issuingCertificate())) {
                client = Optional.of(new ClientRenewal(random).renew(workspace, service, newCa));
                written.add(WorkspaceLayout.clientKeyStore(service, workspace.storeType()));
                written.add(WorkspaceLayout.passwords());
            }
            if (!serverIssuedBy(workspace, service, newCa)) {
                new CaRollover(random, kms).issueServer(workspace, service, newCa, written);
            }
            moveIntoPlace(workspace, service, newCa, written);
            OwnedFiles.wrote(workspace.directory(), written);
            return new CaRollover.Step(service, CaRollover.State.ISSUED_FROM_NEXT, oldIntermediate, newCa.issuingCertificate(),
                    written, client);
        }
    }

    /**
     * The new key (like the current one, {@link KmsCaKeys#nextKey}; its ARN written first) and its
     * intermediate, signed by the root from DIR, which must be the root the workspace trusts.
     */
    private KmsCertificateAuthority createNext(ExistingWorkspace workspace, String service, X509Certificate oldIntermediate,
                                               X509Certificate root, Path offlineRoot, List<String> written) {
        if (offlineRoot == null) {
            throw new MtlsException(service + ": the CA is a KMS intermediate under an offline root, and a new intermediate is "
                    + "signed by that root: run again with --offline-root DIR (the directory certs create --offline-root wrote)");
        }
        LocalCertificateAuthority rootCa = OfflineRootDirectory.open(offlineRoot, service, workspace.directory(), root, random);
        String arnFile = WorkspaceLayout.nextCaKmsKey(service);
        SecureFiles.createDirectory(workspace.path(arnFile).getParent(), SecureFiles.PRIVATE_DIR);
        Optional<String> recorded = workspace.kmsKeyArn(arnFile);
        KmsKey key;
        if (recorded.isPresent()) {
            key = KmsKey.connect(kms(recorded.get()), recorded.get(), Arns.region(recorded.get()));
        } else {
            String currentArn = workspace.caKmsKey(service).orElseThrow();
            key = new KmsCaKeys(kms(currentArn), Arns.region(currentArn)).nextKey(service, currentArn, "intermediate CA");
            byte[] line = (key.arn() + "\n").getBytes(StandardCharsets.US_ASCII);
            SecureFiles.writePublic(workspace.path(arnFile), out -> out.write(line));
            written.add(arnFile);
        }
        X509Certificate intermediate = rootCa.signIntermediate(
                DistinguishedNames.parse(CertificateFacts.nextGeneration(oldIntermediate)), key.publicKey(),
                CertificateFacts.validityDays(oldIntermediate));
        KmsCertificateAuthority ca = KmsCertificateAuthority.intermediate(key, intermediate, root, random, Clock.systemUTC());
        PemFiles.writeCertificates(workspace.path(WorkspaceLayout.nextCaCertificate(service)), ca.caCertificates());
        written.add(WorkspaceLayout.nextCaCertificate(service));
        return ca;
    }

    private KmsCertificateAuthority nextCa(ExistingWorkspace workspace, String service, X509Certificate root) {
        String arn = workspace.kmsKeyArn(WorkspaceLayout.nextCaKmsKey(service)).orElseThrow(() -> new MtlsException(service
                + ": " + WorkspaceLayout.nextCaCertificate(service) + " has no " + WorkspaceLayout.nextCaKmsKey(service)));
        KmsKey key = KmsKey.connect(kms(arn), arn, Arns.region(arn));
        X509Certificate intermediate = workspace.certificates(WorkspaceLayout.nextCaCertificate(service)).get(0);
        return KmsCertificateAuthority.intermediate(key, intermediate, root, random, Clock.systemUTC());
    }

    /** server.crt is the new intermediate's, server-chain.crt is it with the intermediate and the root, server.key is its key. */
    private static boolean serverIssuedBy(ExistingWorkspace workspace, String service, KmsCertificateAuthority ca) {
        try {
            X509Certificate server = workspace.certificates(WorkspaceLayout.serverCertificate(service)).get(0);
            List<X509Certificate> expected = new ArrayList<>();
            expected.add(server);
            expected.addAll(ca.caCertificates());
            String keyFile = WorkspaceLayout.serverKey(service);
            List<PrivateKey> keys = PemFiles.read(new String(workspace.read(keyFile), StandardCharsets.US_ASCII),
                    workspace.path(keyFile).toString(), null).privateKeys();
            return CertificateFacts.issuedBy(server, ca.issuingCertificate())
                    && workspace.certificates(WorkspaceLayout.serverChain(service)).equals(expected)
                    && keys.size() == 1 && KeyPairs.matches(keys.get(0), server.getPublicKey());
        } catch (MtlsException e) {
            return false;
        }
    }

    /**
     * previous/ca.crt and previous/kms-key-arn first (once), then ca.crt and kms-key-arn, and
     * next/ goes last: until it does, a run again finds the new intermediate where it left it.
     */
    private static void moveIntoPlace(ExistingWorkspace workspace, String service, KmsCertificateAuthority next, List<String> written) {
        String previous = WorkspaceLayout.previousCaCertificate(service);
        String currentArn = workspace.caKmsKey(service).orElseThrow();
        if (!Files.isRegularFile(workspace.path(previous))) {
            SecureFiles.createDirectory(workspace.path(previous).getParent(), SecureFiles.PRIVATE_DIR);
            PemFiles.writeCertificates(workspace.path(previous), workspace.certificates(WorkspaceLayout.caCertificate(service)));
            written.add(previous);
        }
        String previousKey = WorkspaceLayout.previousCaKmsKey(service);
        if (!Files.isRegularFile(workspace.path(previousKey)) && !currentArn.equals(next.keyArn())) {
            writeLine(workspace, previousKey, currentArn, written);
        }
        if (!workspace.certificates(WorkspaceLayout.caCertificate(service)).equals(next.caCertificates())) {
            PemFiles.writeCertificates(workspace.path(WorkspaceLayout.caCertificate(service)), next.caCertificates());
            written.add(WorkspaceLayout.caCertificate(service));
        }
        if (!currentArn.equals(next.keyArn())) {
            writeLine(workspace, WorkspaceLayout.caKmsKey(service), next.keyArn(), written);
        }
        CaRollover.delete(workspace.path(WorkspaceLayout.nextCaCertificate(service)));
        written.add(WorkspaceLayout.nextCaCertificate(service));
        Path nextKey = workspace.path(WorkspaceLayout.nextCaKmsKey(service));
        if (Files.exists(nextKey)) {
            CaRollover.delete(nextKey);
            written.add(WorkspaceLayout.nextCaKmsKey(service));
        }
        CaRollover.delete(nextKey.getParent());
    }

    private static void writeLine(ExistingWorkspace workspace, String file, String text, List<String> written) {
        byte[] line = (text + "\n").getBytes(StandardCharsets.US_ASCII);
        SecureFiles.writePublic(workspace.path(file), out -> out.write(line));
        written.add(file);
    }

    private KmsClient kms(String arn) {
        if (kms == null) {
            throw new IllegalStateException("a rollover of the KMS intermediate with key " + arn + " was asked for without a KMS client");
        }
        return kms.apply(Arns.region(arn));
    }
}
