package dev.mtlscli.fakeaws;

import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * The end-entity certificate templates of ACM PCA that the fake issues with. Per the AWS template
 * definitions, all three copy the subject and the subject alternative names from the CSR and set
 * basic constraints CA:FALSE, the authority key identifier (the CA's SKI), a subject key
 * identifier derived from the CSR's key, and key usage critical digitalSignature, keyEncipherment;
 * they differ only in the extended key usage. No CRL distribution point: the fake's CAs have no
 * CRL configured.
 */
enum PcaTemplate {
    END_ENTITY("EndEntityCertificate/V1", KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth),
    END_ENTITY_CLIENT_AUTH("EndEntityClientAuthCertificate/V1", KeyPurposeId.id_kp_clientAuth),
    END_ENTITY_SERVER_AUTH("EndEntityServerAuthCertificate/V1", KeyPurposeId.id_kp_serverAuth);

    /** The template IssueCertificate uses when the request names none. */
    static final PcaTemplate DEFAULT = END_ENTITY;

    private static final String ARN_PREFIX = "arn:aws:acm-pca:::template/";

    private final String name;
    private final KeyPurposeId[] extendedKeyUsages;

    PcaTemplate(String name, KeyPurposeId... extendedKeyUsages) {
        this.name = name;
        this.extendedKeyUsages = extendedKeyUsages;
    }

    static Optional<PcaTemplate> of(String templateArn) {
        return Arrays.stream(values()).filter(t -> t.arn().equals(templateArn)).findFirst();
    }

    String arn() {
        return ARN_PREFIX + name;
    }

    KeyPurposeId[] extendedKeyUsages() {
        return extendedKeyUsages.clone();
    }

    /** What a mix-up of the client and server templates would give (see FakeAcmPca.Misissue). */
    static KeyPurposeId[] otherEku(PcaTemplate template) {
        return switch (template) {
            case END_ENTITY_CLIENT_AUTH -> new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth};
            case END_ENTITY_SERVER_AUTH -> new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth};
            default -> new KeyPurposeId[] {KeyPurposeId.id_kp_codeSigning};
        };
    }
}
