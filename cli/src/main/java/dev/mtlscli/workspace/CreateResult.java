package dev.mtlscli.workspace;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What certs create produced: the files with their roles, a summary per service, and the files
 * of the layer directory written with it (relative to it; empty without one).
 */
public record CreateResult(Path directory, List<WrittenFile> files, List<ServiceSummary> services, List<String> layerFiles) {

    public record ServiceSummary(String name, String host, String keyAlgorithm, X509Certificate caCertificate,
                                 X509Certificate serverCertificate, X509Certificate clientCertificate) {
    }
}
