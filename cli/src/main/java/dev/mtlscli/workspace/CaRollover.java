package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.Arns;
import dev.mtlscli.pki.CertificateHost;
import dev.mtlscli.pki.CertificateIssuer;
import dev.mtlscli.pki.CertificateProfile;
import dev.mtlscli.pki.KeyAlgorithm;
import dev.mtlscli.pki.KeyPairs;
import dev.mtlscli.pki.KmsCaKeys;
import dev.mtlscli.pki.KmsCertificateAuthority;
import dev.mtlscli.pki.KmsKey;
import dev.mtlscli.pki.KmsSigningAlgorithm;
import dev.mtlscli.pki.LeafRequest;
import dev.mtlscli.pki.LocalCertificateAuthority;
import dev.mtlscli.store.KeyStoreFiles;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.PemFiles;
import dev.mtlscli.store.SecureFiles;
import dev.mtlscli.store.StoreType;
import dev.mtlscli.workspace.ClientRenewal.ClientEntry;
import dev.mtlscli.workspace.ClientRenewal.RenewedClient;
import software.amazon.awssdk.services.kms.KmsClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The rollover of a service's local root CA with an overlap (DESIGN.md, decision 7), in three
 * steps that the rotate command runs in order, each idempotent and each leaving a workspace that
 * `layer publish` accepts:
 * <ol>
 * <li>{@link #prepare}: a next CA in ca/&lt;service&gt;/next/; the backend's client-CA bundle and
 * the clients' truststore carry the current and the next CA.</li>
 * <li>{@link #issueFromNext}, once the backend trusts the next CA: a new client identity and a new
 * server certificate from it; the next CA becomes the service's CA (ca/&lt;service&gt;/ca.crt and
 * ca.key), the replaced one's certificate stays in ca/&lt;service&gt;/previous/ while it is still
 * trusted.</li>
 * <li>{@link #complete}, once no consumer uses the old client identity: the bundle and the
 * truststore hold only the new CA.</li>
 * </ol>
 * Where a service stands is read from the files ({@link #state}), so a rotation cut off at any
 * point is finished by running the same step again. Local CAs and KMS CAs roll over here: the
 * next CA of a KMS CA is a new KMS key (ca/&lt;service&gt;/next/kms-key-arn), and completing the
 * rollover schedules the deletion of the replaced key, never deletes it at once. The CA of an
 * ACM Private CA workspace is rolled over in ACM Private CA itself.
 */
public final class CaRollover {

    /** Where a service's rollover stands. */
    public enum State {
        /** No rollover under way (or a prepare cut off before the bundle and truststore carried the next CA). */
        NONE,
        /** The bundle and the truststore carry both CAs; nothing is issued from the next one yet. */
        PREPARED,
        /** The service's certificates come from the new CA; the old one is still trusted until {@link #complete}. */
        ISSUED_FROM_NEXT
    }

    /**
     * What a step did.
     *
     * @param state   where the service stands after the step
     * @param oldCa   the CA being replaced (the one dropped, after complete); null when there is none
     * @param newCa   the CA replacing it (the service's only CA after complete)
     * @param written the workspace files this call wrote or removed, in order; empty when it found its work done
     * @param client  the client identity this call issued, if it issued one
     * @param retired the replaced CA's KMS key whose deletion complete scheduled, if it did
     */
    public record Step(String service, State state, X509Certificate oldCa, X509Certificate newCa, List<String> written,
                       Optional<RenewedClient> client, Optional<RetiredKey> retired) {
        public Step {
            written = List.copyOf(new LinkedHashSet<>(written));
        }

        public Step(String service, State state, X509Certificate oldCa, X509Certificate newCa, List<String> written,
                    Optional<RenewedClient> client) {
            this(service, state, oldCa, newCa, written, client, Optional.empty());
        }
    }

    /** A replaced CA's KMS key, scheduled for deletion on {@code deletionDate} unless cancelled. */
    public record RetiredKey(String arn, Instant deletionDate) {
        /** How to keep the key after all (a cancelled deletion leaves it disabled, as KMS does). */
        public String howToCancel() {
            return "aws kms cancel-key-deletion --key-id " + arn + " (then aws kms enable-key --key-id " + arn + ")";
        }
    }

    private final SecureRandom random;
    private final ClientRenewal renewal;
    private final Function<String, KmsClient> kms;

    public CaRollover(SecureRandom random) {
        this(random, null);
    }

    /** @param kms the KMS client of a region, for a service whose CA key is a KMS key; null when there is none */
    public CaRollover(SecureRandom random, Function<String, KmsClient> kms) {
        this.random = random;
        this.renewal = new ClientRenewal(random);
        this.kms = kms;
    }

    /** The truststore alias of a service's next CA while both are trusted. */
    public static String nextCaAlias(String service) {
        return service + "-ca-next";
    }

    /** The truststore alias of a service's CA, as `certs create` names it. */
    public static String caAlias(String service) {
        return service + "-ca";
    }

    /**
     * Where the service's rollover stands, from the files: ca/&lt;service&gt;/next/ca.crt with
     * the bundle and the truststore carrying it is PREPARED (also while issueFromNext is moving
     * it into place), ca/&lt;service&gt;/previous/ca.crt without next/ca.crt is ISSUED_FROM_NEXT.
     */
    public State state(ExistingWorkspace workspace, String service) {
        workspace.select(List.of(service));
        boolean next = Files.isRegularFile(workspace.path(WorkspaceLayout.nextCaCertificate(service)));
        boolean previous = Files.isRegularFile(workspace.path(WorkspaceLayout.previousCaCertificate(service)));
        if (previous) {
            return next ? State.PREPARED : State.ISSUED_FROM_NEXT;
        }
        if (next) {
            X509Certificate nextCa = workspace.certificates(WorkspaceLayout.nextCaCertificate(service)).get(0);
            boolean inBundle = workspace.certificates(WorkspaceLayout.serverClientCa(service)).contains(nextCa);
            return inBundle && trustAnchors(workspace, service).containsValue(nextCa) ? State.PREPARED : State.NONE;
        }
        return State.NONE;
    }

    /** {@link #prepare(ExistingWorkspace, String, int)} with a next CA as long-lived as the current one. */
    public Step prepare(ExistingWorkspace workspace, String service) {
        return prepare(workspace, service, 0);
    }

    /**
     * Step 1: creates the next CA of the service (same key algorithm, the subject with a
     * generation suffix, see {@link CertificateFacts#nextGeneration}) in ca/&lt;service&gt;/next/
     * (ca.crt; ca.key encrypted, its password in passwords.json), writes the backend's client-CA
     * bundle with the current and the next CA, and adds the next CA to the clients' truststore
     * (alias &lt;service&gt;-ca-next). An existing next CA is reused; files already right are not
     * written again.
     *
     * @param caValidityDays the next CA's validity; 0 for as long as the current CA's
     */
    public Step prepare(ExistingWorkspace workspace, String service, int caValidityDays) {
        requireRollable(workspace, service);
        synchronized (workspace) {
            State state = state(workspace, service);
            if (state == State.ISSUED_FROM_NEXT) {
                throw new MtlsException(service + ": the previous CA rollover has issued from its new CA but is not complete ("
                        + WorkspaceLayout.previousCaCertificate(service) + " is still trusted); complete it before preparing another");
            }
            X509Certificate oldCa = oldCa(workspace, service);
            List<String> written = new ArrayList<>();
            X509Certificate nextCa;
            if (Files.isRegularFile(workspace.path(WorkspaceLayout.nextCaCertificate(service)))) {
                nextCa = nextCa(workspace, service).rootCertificate();
            } else if (workspace.caKmsKey(service).isPresent()) {
                nextCa = createNextKmsCa(workspace, service, oldCa, caValidityDays, written);
            } else {
                nextCa = createNextCa(workspace, service, oldCa, caValidityDays, written);
            }
            writeIfChanged(workspace, WorkspaceLayout.serverClientCa(service), List.of(oldCa, nextCa), written);
            updateTrustStore(workspace, service, anchors -> anchors.put(nextCaAlias(service), nextCa), written);
            OwnedFiles.wrote(workspace.directory(), written);
            return new Step(service, State.PREPARED, oldCa, nextCa, written, Optional.empty());
        }
    }

    /**
     * Step 2, only once the backend trusts the next CA (it runs with the bundle of step 1) and
     * the clients trust it (they run with a truststore of step 1): issues the client identity
     * ({@link ClientRenewal}: new key, certificate and keystore password) and a new server key,
     * certificate and chain from the next CA, then makes the next CA the service's CA: its
     * certificate and key move to ca/&lt;service&gt;/ca.crt and ca.key (the key under a new
     * password), the old CA's certificate to ca/&lt;service&gt;/previous/ca.crt, the old key is
     * deleted. The bundle and the truststore still carry both CAs. What was already issued from
     * the next CA is not issued again.
     */
    public Step issueFromNext(ExistingWorkspace workspace, String service) {
        requireRollable(workspace, service);
        synchronized (workspace) {
            State state = state(workspace, service);
            if (state == State.NONE) {
                throw new MtlsException(service + ": no CA rollover is prepared (the backend's client-CA bundle and the "
                        + "truststore must carry the next CA before anything is issued from it); run the prepare step first");
            }
            boolean moving = Files.isRegularFile(workspace.path(WorkspaceLayout.nextCaCertificate(service)));
            CertificateIssuer newCa = moving ? nextCa(workspace, service) : currentCa(workspace, service);
            X509Certificate oldCa = oldCa(workspace, service);
            List<String> written = new ArrayList<>();

            Optional<RenewedClient> client = Optional.empty();
            Optional<ClientEntry> entry = ClientRenewal.tryCurrent(workspace, service);
            if (entry.isEmpty() || !CertificateFacts.issuedBy(entry.get().leaf(), newCa.rootCertificate())) {
                client = Optional.of(renewal.renew(workspace, service, newCa));
                written.add(WorkspaceLayout.clientKeyStore(service, workspace.storeType()));
                written.add(WorkspaceLayout.passwords());
            }
            if (!serverIssuedBy(workspace, service, newCa.rootCertificate())) {
                issueServer(workspace, service, newCa, written);
            }
            if (moving) {
                moveIntoPlace(workspace, service, newCa, written);
            }
            removeNextLeftovers(workspace, service, written);
            OwnedFiles.wrote(workspace.directory(), written);
            return new Step(service, State.ISSUED_FROM_NEXT, oldCa, newCa.rootCertificate(), written, client);
        }
    }

    /**
     * Step 3, once no consumer uses a client identity of the old CA: the truststore (alias
     * &lt;service&gt;-ca) and the backend's client-CA bundle hold only the new CA, and
     * ca/&lt;service&gt;/previous/ goes. Without a rollover under way it does nothing.
     */
    public Step complete(ExistingWorkspace workspace, String service) {
        requireRollable(workspace, service);
        synchronized (workspace) {
            State state = state(workspace, service);
            X509Certificate current = workspace.certificates(WorkspaceLayout.caCertificate(service)).get(0);
            if (state == State.PREPARED) {
                throw new MtlsException(service + ": the client identity and the server certificate still come from the old CA "
                        + "(the rollover is prepared only); issue them from the new CA before the old one is dropped");
            }
            if (state == State.NONE) {
                return new Step(service, State.NONE, null, current, List.of(), Optional.empty());
            }
            X509Certificate oldCa = workspace.certificates(WorkspaceLayout.previousCaCertificate(service)).get(0);
            List<String> written = new ArrayList<>();
            // the CA's root: under an offline root the one trust anchor, which the rollover of its intermediate kept
            List<X509Certificate> chain = workspace.certificates(WorkspaceLayout.caCertificate(service));
            X509Certificate anchor = chain.get(chain.size() - 1);
            updateTrustStore(workspace, service, anchors -> {
                anchors.remove(nextCaAlias(service));
                anchors.put(caAlias(service), anchor);
            }, written);
            writeIfChanged(workspace, WorkspaceLayout.serverClientCa(service), List.of(anchor), written);
            removeNextLeftovers(workspace, service, written);
            Optional<RetiredKey> retired = retirePreviousKmsKey(workspace, service, written);
            Path previous = workspace.path(WorkspaceLayout.previousCaCertificate(service));
            delete(previous);
            delete(previous.getParent());
            written.add(WorkspaceLayout.previousCaCertificate(service));
            OwnedFiles.wrote(workspace.directory(), written);
            return new Step(service, State.NONE, oldCa, current, written, Optional.empty(), retired);
        }
    }

    /** Refuses, in one line, a service whose CA mtls-cli cannot roll over: one of ACM Private CA. */
    public static void requireRollable(ExistingWorkspace workspace, String service) {
        workspace.select(List.of(service));
        if (workspace.caKmsKey(service).isPresent()) {
            return;
        }
        Optional<String> caArn = workspace.caArn(service);
        if (caArn.isEmpty() && WorkspaceIssuers.importedWithoutKey(workspace, service)) {
            return; // an imported CA whose key stayed behind: a rollover is how the workspace gets a CA of its own
        }
        if (caArn.isPresent() || !Files.isRegularFile(workspace.path(WorkspaceLayout.caKey(service)))) {
            throw new MtlsException(service + ": the CA is ACM Private CA" + caArn.map(arn -> " " + arn).orElse("")
                    + " (the workspace has no " + WorkspaceLayout.caKey(service) + "); mtls-cli rolls over local CAs only, "
                    + "a private CA is rolled over in ACM Private CA itself");
        }
    }

    private KmsClient kms(String arn) {
        if (kms == null) {
            throw new IllegalStateException("a rollover of the KMS CA with key " + arn + " was asked for without a KMS client");
        }
        return kms.apply(Arns.region(arn));
    }

    /** The service's current CA, which issues when a rollover is not under way. */
    private CertificateIssuer currentCa(ExistingWorkspace workspace, String service) {
        return workspace.caKmsKey(service).isPresent() ? WorkspaceIssuers.kms(workspace, service, kms, random)
                : WorkspaceIssuers.local(workspace, service, random);
    }

    /** The CA being replaced: the service's CA, or once the next one took its place, the kept certificate. */
    private static X509Certificate oldCa(ExistingWorkspace workspace, String service) {
        String file = Files.isRegularFile(workspace.path(WorkspaceLayout.previousCaCertificate(service)))
                ? WorkspaceLayout.previousCaCertificate(service) : WorkspaceLayout.caCertificate(service);
        return workspace.certificates(file).get(0);
    }

    private CertificateIssuer nextCa(ExistingWorkspace workspace, String service) {
        Optional<String> nextKmsKey = workspace.kmsKeyArn(WorkspaceLayout.nextCaKmsKey(service));
        if (nextKmsKey.isPresent()) {
            String arn = nextKmsKey.get();
            KmsKey key = KmsKey.connect(kms(arn), arn, Arns.region(arn));
            return KmsCertificateAuthority.connect(key, workspace.certificates(WorkspaceLayout.nextCaCertificate(service)).get(0),
                    random, Clock.systemUTC());
        }
        return WorkspaceIssuers.load(workspace, WorkspaceLayout.nextCaCertificate(service), WorkspaceLayout.nextCaKey(service), random);
    }

    /**
     * The next CA of a KMS CA: a new key like the current one ({@link KmsCaKeys#nextKey}), whose
     * ARN is written before the certificate, so that a run cut off in between signs with that key
     * when run again instead of making another.
     */
    private X509Certificate createNextKmsCa(ExistingWorkspace workspace, String service, X509Certificate oldCa, int caValidityDays,
                                            List<String> written) {
        String arnFile = WorkspaceLayout.nextCaKmsKey(service);
        SecureFiles.createDirectory(workspace.path(arnFile).getParent(), SecureFiles.PRIVATE_DIR);
        Optional<String> recorded = workspace.kmsKeyArn(arnFile);
        KmsKey next;
        if (recorded.isPresent()) {
            next = KmsKey.connect(kms(recorded.get()), recorded.get(), Arns.region(recorded.get()));
        } else {
            String current = workspace.caKmsKey(service).orElseThrow();
            String region = Arns.region(current);
            next = new KmsCaKeys(kms(current), region).nextKey(service, current);
            byte[] line = (next.arn() + "\n").getBytes(StandardCharsets.US_ASCII);
            SecureFiles.writePublic(workspace.path(arnFile), out -> out.write(line));
            written.add(arnFile);
        }
        int days = caValidityDays > 0 ? caValidityDays : Math.max(CertificateFacts.validityDays(oldCa), longestLeaf(workspace, service) + 1);
        KmsCertificateAuthority ca = KmsCertificateAuthority.createRoot(next, next.signingAlgorithm(KmsSigningAlgorithm.of(oldCa)),
                CertificateFacts.nextGeneration(oldCa), days, Instant.now(), random);
        PemFiles.writeCertificates(workspace.path(WorkspaceLayout.nextCaCertificate(service)), List.of(ca.rootCertificate()));
        written.add(WorkspaceLayout.nextCaCertificate(service));
        return ca.rootCertificate();
    }

    /**
     * Once the old CA is trusted no more: the deletion of its KMS key is scheduled (30 days),
     * then the file naming it goes. Run again, a key already scheduled keeps its date.
     */
    private Optional<RetiredKey> retirePreviousKmsKey(ExistingWorkspace workspace, String service, List<String> written) {
        String file = WorkspaceLayout.previousCaKmsKey(service);
        Optional<String> previous = workspace.kmsKeyArn(file);
        if (previous.isEmpty()) {
            return Optional.empty();
        }
        String arn = previous.get();
        KmsCaKeys keys = new KmsCaKeys(kms(arn), Arns.region(arn));
        keys.moveAlias(service, arn, workspace.caKmsKey(service).orElseThrow());
        Instant deletion = keys.scheduleDeletion(arn);
        delete(workspace.path(file));
        written.add(file);
        return Optional.of(new RetiredKey(arn, deletion));
    }

    /** Password first, then the key, then the certificate: a next/ca.crt always has its key and password. */
    private X509Certificate createNextCa(ExistingWorkspace workspace, String service, X509Certificate oldCa, int caValidityDays,
                                         List<String> written) {
        String keyFile = WorkspaceLayout.nextCaKey(service);
        SecureFiles.createDirectory(workspace.path(keyFile).getParent(), SecureFiles.PRIVATE_DIR);
        if (!WorkspacePasswords.has(workspace, keyFile)) {
            workspace.writePasswords(WorkspacePasswords.withPassword(workspace, keyFile, random));
            written.add(WorkspaceLayout.passwords());
        }
        int days = caValidityDays > 0 ? caValidityDays : Math.max(CertificateFacts.validityDays(oldCa), longestLeaf(workspace, service) + 1);
        LocalCertificateAuthority next = LocalCertificateAuthority.createRoot(CertificateFacts.nextGeneration(oldCa),
                KeyAlgorithm.of(oldCa.getPublicKey()), days, Instant.now(), random);
        PemFiles.writeEncryptedPrivateKey(workspace.path(keyFile), next.keyPair().getPrivate(),
                workspace.passwords().get(keyFile), random);
        written.add(keyFile);
        PemFiles.writeCertificates(workspace.path(WorkspaceLayout.nextCaCertificate(service)), List.of(next.rootCertificate()));
        written.add(WorkspaceLayout.nextCaCertificate(service));
        return next.rootCertificate();
    }

    /**
     * The longest validity of the service's current leaves, which the next CA re-issues with the
     * same length: a CA as short-lived as they are (the AWS sample makes CA and leaves for 365
     * days) would end before leaves issued from it a moment later.
     */
    private static int longestLeaf(ExistingWorkspace workspace, String service) {
        int days = CertificateFacts.validityDays(workspace.certificates(WorkspaceLayout.serverCertificate(service)).get(0));
        Optional<ClientEntry> client = ClientRenewal.tryCurrent(workspace, service);
        if (client.isPresent()) {
            days = Math.max(days, CertificateFacts.validityDays(client.get().leaf()));
        }
        return days;
    }

    /** server.crt is issued by the CA, server-chain.crt is it and the CA, server.key is its key. */
    private static boolean serverIssuedBy(ExistingWorkspace workspace, String service, X509Certificate ca) {
        try {
            X509Certificate server = workspace.certificates(WorkspaceLayout.serverCertificate(service)).get(0);
            List<X509Certificate> chain = workspace.certificates(WorkspaceLayout.serverChain(service));
            String keyFile = WorkspaceLayout.serverKey(service);
            List<PrivateKey> keys = PemFiles.read(new String(workspace.read(keyFile), StandardCharsets.US_ASCII),
                    workspace.path(keyFile).toString(), null).privateKeys();
            return CertificateFacts.issuedBy(server, ca) && chain.equals(List.of(server, ca))
                    && keys.size() == 1 && KeyPairs.matches(keys.get(0), server.getPublicKey());
        } catch (MtlsException e) {
            return false;
        }
    }

    /** The template's DNS names; for a certificate made without subjectAltNames (the sample's), the host its CN names. */
    private static List<String> serverDnsNames(X509Certificate template) {
        List<String> dnsNames = CertificateFacts.dnsNames(template);
        if (dnsNames.isEmpty() && CertificateFacts.ipAddresses(template).isEmpty()) {
            return List.of(CertificateHost.of(template, "the server certificate"));
        }
        return dnsNames;
    }

    /** A new server key and certificate like the current one (subject, subjectAltNames, validity length, key type). */
    void issueServer(ExistingWorkspace workspace, String service, CertificateIssuer ca, List<String> written) {
        X509Certificate template = workspace.certificates(WorkspaceLayout.serverCertificate(service)).get(0);
        KeyPair keys = KeyAlgorithm.of(template.getPublicKey()).generate(random);
        List<X509Certificate> chain = ca.issue(new LeafRequest(CertificateFacts.subject(template), CertificateProfile.SERVER,
                keys, CertificateFacts.validityDays(template), serverDnsNames(template), CertificateFacts.ipAddresses(template)));
        PemFiles.writePrivateKey(workspace.path(WorkspaceLayout.serverKey(service)), keys.getPrivate());
        written.add(WorkspaceLayout.serverKey(service));
        PemFiles.writeCertificates(workspace.path(WorkspaceLayout.serverCertificate(service)), chain.subList(0, 1));
        written.add(WorkspaceLayout.serverCertificate(service));
        PemFiles.writeCertificates(workspace.path(WorkspaceLayout.serverChain(service)), chain);
        written.add(WorkspaceLayout.serverChain(service));
    }

    /**
     * The next CA becomes the service's CA. Each write is atomic and a re-run picks up where a
     * cut-off one stopped: previous/ca.crt is written once; next/ca.crt goes only after ca.crt
     * and ca.key (or kms-key-arn) are the next CA's, and until it goes the state reads PREPARED.
     */
    private void moveIntoPlace(ExistingWorkspace workspace, String service, CertificateIssuer next, List<String> written) {
        String previous = WorkspaceLayout.previousCaCertificate(service);
        if (!Files.isRegularFile(workspace.path(previous))) {
            SecureFiles.createDirectory(workspace.path(previous).getParent(), SecureFiles.PRIVATE_DIR);
            PemFiles.writeCertificates(workspace.path(previous), workspace.certificates(WorkspaceLayout.caCertificate(service)));
            written.add(previous);
        }
        if (next instanceof KmsCertificateAuthority kmsNext) {
            moveKmsKeyIntoPlace(workspace, service, kmsNext, written);
        } else {
            moveKeyIntoPlace(workspace, service, (LocalCertificateAuthority) next, written);
        }
        Path imported = workspace.path(WorkspaceLayout.caImported(service));
        if (Files.exists(imported)) {
            delete(imported);
            written.add(WorkspaceLayout.caImported(service));
        }
        delete(workspace.path(WorkspaceLayout.nextCaCertificate(service)));
        written.add(WorkspaceLayout.nextCaCertificate(service));
    }

    /** The replaced key's ARN is kept in previous/ (written before kms-key-arn changes) until complete retires the key. */
    private static void moveKmsKeyIntoPlace(ExistingWorkspace workspace, String service, KmsCertificateAuthority next,
                                            List<String> written) {
        String previousKey = WorkspaceLayout.previousCaKmsKey(service);
        Optional<String> current = workspace.caKmsKey(service);
        if (!Files.isRegularFile(workspace.path(previousKey)) && current.isPresent() && !current.get().equals(next.keyArn())) {
            writeArn(workspace, previousKey, current.get(), written);
        }
        writeIfChanged(workspace, WorkspaceLayout.caCertificate(service), List.of(next.rootCertificate()), written);
        if (!current.equals(Optional.of(next.keyArn()))) {
            writeArn(workspace, WorkspaceLayout.caKmsKey(service), next.keyArn(), written);
        }
    }

    private static void writeArn(ExistingWorkspace workspace, String file, String arn, List<String> written) {
        byte[] line = (arn + "\n").getBytes(StandardCharsets.US_ASCII);
        SecureFiles.writePublic(workspace.path(file), out -> out.write(line));
        written.add(file);
    }

    private void moveKeyIntoPlace(ExistingWorkspace workspace, String service, LocalCertificateAuthority next, List<String> written) {
        writeIfChanged(workspace, WorkspaceLayout.caCertificate(service), List.of(next.rootCertificate()), written);
        String keyFile = WorkspaceLayout.caKey(service);
        if (!holdsKey(workspace, keyFile, next.rootCertificate())) {
            PasswordFile passwords = WorkspacePasswords.withNewPassword(workspace, keyFile, random);
            PemFiles.writeEncryptedPrivateKey(workspace.path(keyFile), next.keyPair().getPrivate(), passwords.get(keyFile), random);
            workspace.writePasswords(passwords);
            written.add(keyFile);
            written.add(WorkspaceLayout.passwords());
        }
    }

    /**
     * Once next/ca.crt is gone: the next CA's key, its directory and its password. The ARN of a
     * next KMS key goes only once it is the service's key: one that a prepare cut off before
     * next/ca.crt made is kept for the next prepare, never forgotten while it exists in KMS.
     */
    private static void removeNextLeftovers(ExistingWorkspace workspace, String service, List<String> written) {
        if (Files.isRegularFile(workspace.path(WorkspaceLayout.nextCaCertificate(service)))) {
            return;
        }
        Path key = workspace.path(WorkspaceLayout.nextCaKey(service));
        if (Files.exists(key)) {
            delete(key);
            written.add(WorkspaceLayout.nextCaKey(service));
        }
        Optional<String> nextKmsKey = workspace.kmsKeyArn(WorkspaceLayout.nextCaKmsKey(service));
        if (nextKmsKey.isPresent()) {
            if (!nextKmsKey.equals(workspace.caKmsKey(service))) {
                return;
            }
            delete(workspace.path(WorkspaceLayout.nextCaKmsKey(service)));
            written.add(WorkspaceLayout.nextCaKmsKey(service));
        }
        delete(key.getParent());
        if (WorkspacePasswords.has(workspace, WorkspaceLayout.nextCaKey(service))) {
            workspace.writePasswords(WorkspacePasswords.without(workspace, WorkspaceLayout.nextCaKey(service)));
            written.add(WorkspaceLayout.passwords());
        }
    }

    /** Whether the encrypted key file opens with its password and belongs to the certificate. */
    private static boolean holdsKey(ExistingWorkspace workspace, String keyFile, X509Certificate certificate) {
        try {
            PrivateKey key = PemFiles.readEncryptedPrivateKey(workspace.path(keyFile), workspace.passwords().get(keyFile));
            return KeyPairs.matches(key, certificate.getPublicKey());
        } catch (MtlsException | UncheckedIOException e) {
            return false;
        }
    }

    private static void writeIfChanged(ExistingWorkspace workspace, String file, List<X509Certificate> certificates,
                                       List<String> written) {
        if (Files.isRegularFile(workspace.path(file))) {
            try {
                if (workspace.certificates(file).equals(certificates)) {
                    return;
                }
            } catch (MtlsException e) {
                // unreadable: replace it
            }
        }
        PemFiles.writeCertificates(workspace.path(file), certificates);
        written.add(file);
    }

    /** The entries of the service's truststore, alias to certificate, in the store's order; a key entry is refused. */
    static Map<String, X509Certificate> trustAnchors(ExistingWorkspace workspace, String service) {
        StoreType type = workspace.storeType();
        String file = workspace.trustStore(service);
        KeyStore store = KeyStoreFiles.load(workspace.read(file), type, workspace.passwords().get(file),
                workspace.path(file).toString());
        try {
            Map<String, X509Certificate> anchors = new LinkedHashMap<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) || !(store.getCertificate(alias) instanceof X509Certificate certificate)) {
                    throw new MtlsException(workspace.path(file) + ": entry '" + alias + "' is not a trusted certificate");
                }
                anchors.put(alias, certificate);
            }
            return anchors;
        } catch (GeneralSecurityException e) {
            throw new MtlsException(workspace.path(file) + ": cannot read its entries: " + e.getMessage());
        }
    }

    /** Rewrites the truststore (same password, atomically) if the change changes its entries. */
    private static void updateTrustStore(ExistingWorkspace workspace, String service,
                                         Consumer<Map<String, X509Certificate>> change, List<String> written) {
        Map<String, X509Certificate> anchors = trustAnchors(workspace, service);
        Map<String, X509Certificate> changed = new LinkedHashMap<>(anchors);
        change.accept(changed);
        if (changed.equals(anchors)) {
            return;
        }
        String file = workspace.trustStore(service);
        KeyStoreFiles.writeTrustStore(workspace.path(file), workspace.storeType(), changed, workspace.passwords().get(file));
        written.add(file);
    }

    static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + path + ": " + e.getMessage(), e);
        }
    }
}
