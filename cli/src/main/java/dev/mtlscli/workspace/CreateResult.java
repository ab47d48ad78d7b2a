package dev.mtlscli.workspace;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/** What certs create produced: the files with their roles and a summary per service. */
public record CreateResult(Path directory, List<WrittenFile> files, List<ServiceSummary> services) {

    public record ServiceSummary(String name, String host, String keyAlgorithm, X509Certificate caCertificate,
                                 X509Certificate serverCertificate, X509Certificate clientCertificate) {
    }
}
