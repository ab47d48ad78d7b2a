package dev.mtlscli.cmd;

import dev.mtlscli.layer.PlannedCall;
import dev.mtlscli.spec.ResolvedSpec;

import java.util.ArrayList;
import java.util.List;

/** The ACM Private CA calls of `certs create --ca acm-pca`, for --dry-run. */
final class AcmPcaPlan {
    private AcmPcaPlan() {
    }

    static List<PlannedCall> calls(String caArn, ResolvedSpec spec) {
        List<PlannedCall> calls = new ArrayList<>();
        calls.add(new PlannedCall("acm-pca", "DescribeCertificateAuthority", caArn,
                "to check it is ACTIVE and find the signing algorithm of its key", null));
        calls.add(new PlannedCall("acm-pca", "GetCertificateAuthorityCertificate", caArn, "for the truststore and client-CA bundles", null));
        for (ResolvedSpec.Service service : spec.services()) {
            calls.add(issue(caArn, service.server(), "EndEntityServerAuthCertificate/V1", service.keyAlgorithm().id(),
                    "SAN " + String.join(",", service.dnsNames()) + (service.ipAddresses().isEmpty() ? "" : "," + String.join(",", service.ipAddresses()))));
            calls.add(issue(caArn, service.client(), "EndEntityClientAuthCertificate/V1", service.keyAlgorithm().id(), null));
        }
        return calls;
    }

    private static PlannedCall issue(String caArn, ResolvedSpec.Certificate certificate, String template, String keyAlgorithm, String san) {
        return new PlannedCall("acm-pca", "IssueCertificate then GetCertificate (waiter)", caArn,
                "CSR for '" + certificate.subject() + "' (" + keyAlgorithm + " key made locally"
                        + (san == null ? "" : ", " + san) + "), template " + template + ", " + certificate.validityDays() + " days",
                null);
    }
}
