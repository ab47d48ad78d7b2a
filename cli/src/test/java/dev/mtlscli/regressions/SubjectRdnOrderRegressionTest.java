package dev.mtlscli.regressions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.security.auth.x500.X500Principal;
import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Regression (found by these tests, fixed in 990add5): subjects were encoded with their RDNs in
 * reverse order.
 *
 * The spec writes subjects as RFC 4514 strings, most specific RDN first:
 * "CN=backend-service-1.com,O=mtls-cli demo". pki/DistinguishedNames.parse used
 * `new X500Name(subject)` (BouncyCastle's BCStyle), which kept the string's order as the DER
 * order, so the certificate's subject was SEQUENCE { CN, O } instead of SEQUENCE { O, CN }.
 * Every RFC 4514 reader then showed it reversed: `certs inspect` and `certs create --output json`
 * printed "O=mtls-cli demo,CN=backend-service-1.com", keytool "O=mtls-cli demo, CN=...",
 * and `openssl x509 -subject` "CN = ..., O = ..." where a conventional certificate reads
 * "O = ..., CN = ...". The fix reverses the parsed RDNs.
 */
class SubjectRdnOrderRegressionTest {
    private static final String SPEC_SUBJECT = "CN=backend-service-1.com,O=mtls-cli demo";

    @TempDir
    static Path temp;

    private static Workspace ws;

    @BeforeAll
    static void createWorkspace() {
        ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
    }

    @Test
    void theCertificateSubjectIsTheSpecsSubject() {
        X500Principal subject = Pem.certificate(ws.file(Workspace.serverCertificate("service-1"))).getSubjectX500Principal();

        assertEquals(new X500Principal(SPEC_SUBJECT), subject,
                "the demo spec says " + SPEC_SUBJECT + ", the certificate says " + subject.getName());
    }

    @Test
    void opensslPrintsTheSpecsSubjectInRfc2253Form() {
        String out = Tool.openssl("x509", "-in", ws.file(Workspace.serverCertificate("service-1")).toString(),
                "-noout", "-subject", "-nameopt", "RFC2253").runOk().out().trim();

        assertEquals("subject=" + SPEC_SUBJECT, out);
    }

    @Test
    void inspectPrintsTheSpecsSubject() throws IOException {
        Cli.Result result = Cli.runOk("certs", "inspect", ws.file(Workspace.serverCertificate("service-1")).toString(), "--output", "json");

        String subject = new ObjectMapper().readTree(result.out()).path("entries").get(0).path("certificates").get(0).path("subject").asText();
        assertEquals(SPEC_SUBJECT, subject);
    }
}
