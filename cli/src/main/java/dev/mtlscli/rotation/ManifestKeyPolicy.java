package dev.mtlscli.rotation;

import dev.mtlscli.pki.Fingerprints;
import dev.mtlscli.pki.KeyPolicy;
import dev.mtlscli.runtime.layer.LayerManifest;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * The key and signature policy (pki.KeyPolicy) applied to a published layer's client
 * certificate, from its manifest alone: status sees layers, not workspaces, and the keystore in
 * the layer opens only with a password status does not read. Today's policy is applied, so a
 * layer published before a rule tightened is flagged too.
 */
public final class ManifestKeyPolicy {
    private ManifestKeyPolicy() {
    }

    /** What a manifest's certificate is, by the policy. */
    public enum Verdict {
        /** Meets the policy. */
        OK("ok"),
        /** Breaks a rule, or the recorded certificate is not the one the manifest names. */
        WEAK("weak"),
        /** The manifest predates the recorded certificate: nothing to judge. */
        UNKNOWN("unknown");

        private final String id;

        Verdict(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    public static Verdict verdict(LayerManifest manifest) {
        if (manifest.certificateDer() == null) {
            return Verdict.UNKNOWN;
        }
        return violations(manifest).isEmpty() ? Verdict.OK : Verdict.WEAK;
    }

    /** The rules the manifest's client certificate breaks; empty when it meets them or is not recorded. */
    public static List<String> violations(LayerManifest manifest) {
        if (manifest.certificateDer() == null) {
            return List.of();
        }
        X509Certificate certificate;
        try {
            byte[] der = Base64.getDecoder().decode(manifest.certificateDer());
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
            return List.of("the manifest's certificate.der is not a certificate");
        }
        // the layer's content comes from whoever could publish it: a certificate that is not the
        // one the fingerprint names would let a strong one hide a weak keystore
        if (!Fingerprints.sha256(certificate).equalsIgnoreCase(manifest.certificateSha256())) {
            return List.of("the manifest's certificate.der is not the certificate its sha256 names");
        }
        return KeyPolicy.violations(certificate);
    }
}
