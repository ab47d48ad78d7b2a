package dev.mtlscli.fakeaws;

import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;

/**
 * The ACM Private CA operations on the wire (AWS JSON 1.1, target prefix {@code ACMPrivateCA},
 * signing name {@code acm-pca}): IssueCertificate, GetCertificate,
 * GetCertificateAuthorityCertificate and DescribeCertificateAuthority, over the state in
 * {@link FakeAcmPca}.
 */
final class AcmPcaService implements JsonTargetService {
    private final FakeAcmPca state;

    AcmPcaService(FakeAcmPca state) {
        this.state = state;
    }

    @Override
    public String signingName() {
        return "acm-pca";
    }

    @Override
    public String targetPrefix() {
        return "ACMPrivateCA";
    }

    @Override
    public String contentType() {
        return "application/x-amz-json-1.1";
    }

    @Override
    public Map<String, Object> call(String operation, Map<String, Object> input) throws AwsError {
        switch (operation) {
            case "IssueCertificate":
                return issueCertificate(input);
            case "GetCertificate":
                return getCertificate(input);
            case "GetCertificateAuthorityCertificate":
                return getCertificateAuthorityCertificate(input);
            case "DescribeCertificateAuthority":
                return describeCertificateAuthority(input);
            default:
                throw AwsError.badRequest("UnknownOperationException",
                        "fake-aws does not implement ACMPrivateCA." + operation + ".");
        }
    }

    private Map<String, Object> issueCertificate(Map<String, Object> input) throws AwsError {
        String caArn = JsonArgs.requiredString(input, "CertificateAuthorityArn");
        byte[] csr = blob(JsonArgs.requiredString(input, "Csr"), "Csr");
        String signingAlgorithm = JsonArgs.requiredString(input, "SigningAlgorithm");
        if (!PcaSigningAlgorithm.API_VALUES.contains(signingAlgorithm)) {
            throw AwsError.validation("1 validation error detected: Value '" + signingAlgorithm + "' at"
                    + " 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: "
                    + PcaSigningAlgorithm.API_VALUES);
        }
        Map<String, Object> validity = object(input, "Validity");
        if (validity == null) {
            throw AwsError.validation("1 validation error detected: Value null at 'validity' failed to satisfy"
                    + " constraint: Member must not be null");
        }
        Map<String, Object> notBefore = object(input, "ValidityNotBefore");
        String arn = state.issueCertificate(new FakeAcmPca.Issue(
                caArn,
                csr,
                signingAlgorithm,
                JsonArgs.optionalString(input, "TemplateArn"),
                validity(validity, "validity"),
                notBefore == null ? null : validity(notBefore, "validityNotBefore"),
                JsonArgs.optionalString(input, "IdempotencyToken")));
        return JsonOutput.ordered("CertificateArn", arn);
    }

    private Map<String, Object> getCertificate(Map<String, Object> input) throws AwsError {
        FakeAcmPca.IssuedCertificate issued = state.getCertificate(
                JsonArgs.requiredString(input, "CertificateAuthorityArn"),
                JsonArgs.requiredString(input, "CertificateArn"));
        return JsonOutput.ordered("Certificate", PcaCertificates.pem(issued.certificate()),
                "CertificateChain", PcaCertificates.pem(issued.chain()));
    }

    private Map<String, Object> getCertificateAuthorityCertificate(Map<String, Object> input) throws AwsError {
        FakeAcmPca.Authority ca = state.authority(JsonArgs.requiredString(input, "CertificateAuthorityArn"));
        if (ca.status().equals("CREATING") || ca.status().equals("PENDING_CERTIFICATE")
                || ca.status().equals("FAILED")) {
            throw AwsError.badRequest("InvalidStateException", "The certificate authority " + ca.arn()
                    + " has no certificate in status " + ca.status() + ".");
        }
        Map<String, Object> output = JsonOutput.ordered("Certificate", PcaCertificates.pem(ca.certificate()));
        if (!ca.chain().isEmpty()) {
            output.put("CertificateChain", PcaCertificates.pem(ca.chain()));
        }
        return output;
    }

    private Map<String, Object> describeCertificateAuthority(Map<String, Object> input) throws AwsError {
        FakeAcmPca.Authority ca = state.authority(JsonArgs.requiredString(input, "CertificateAuthorityArn"));
        X509Certificate certificate = ca.certificate();
        Map<String, Object> description = JsonOutput.ordered(
                "Arn", ca.arn(),
                "OwnerAccount", state.accountId(),
                "CreatedAt", JsonOutput.epochSeconds(ca.createdAt()),
                "LastStateChangeAt", JsonOutput.epochSeconds(ca.lastStateChangeAt()),
                "Type", ca.type(),
                "Serial", PcaCertificates.serialHex(certificate.getSerialNumber()),
                "Status", ca.status(),
                "NotBefore", JsonOutput.epochSeconds(certificate.getNotBefore().toInstant()),
                "NotAfter", JsonOutput.epochSeconds(certificate.getNotAfter().toInstant()),
                "CertificateAuthorityConfiguration", JsonOutput.ordered(
                        "KeyAlgorithm", ca.keyAlgorithm().name(),
                        "SigningAlgorithm", ca.keyAlgorithm().defaultSigning().name(),
                        "Subject", JsonOutput.ordered("CommonName", ca.commonName())),
                "RevocationConfiguration", JsonOutput.ordered(
                        "CrlConfiguration", JsonOutput.ordered("Enabled", false),
                        "OcspConfiguration", JsonOutput.ordered("Enabled", false)),
                "KeyStorageSecurityStandard", "FIPS_140_2_LEVEL_3_OR_HIGHER",
                "UsageMode", "GENERAL_PURPOSE");
        return JsonOutput.ordered("CertificateAuthority", description);
    }

    private static PcaValidity validity(Map<String, Object> validity, String member) throws AwsError {
        return PcaValidity.of(JsonArgs.optionalString(validity, "Type"), JsonArgs.optionalLong(validity, "Value"),
                member);
    }

    /** A blob member: base64 in AWS JSON. */
    private static byte[] blob(String base64, String field) throws AwsError {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw AwsError.badRequest("SerializationException", "Field " + field + " must be base64: "
                    + e.getMessage());
        }
    }

    /** A structure member, or null when absent. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> input, String field) throws AwsError {
        Object value = input.get(field);
        if (value == null || value instanceof Map<?, ?>) {
            return (Map<String, Object>) value;
        }
        throw AwsError.badRequest("SerializationException", "Field " + field + " must be a structure.");
    }
}
