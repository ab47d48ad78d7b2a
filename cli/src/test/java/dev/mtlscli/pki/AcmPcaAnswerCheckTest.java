package dev.mtlscli.pki;

import dev.mtlscli.fakeaws.FakeAcmPca;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What ACM Private CA answers is compared with what was asked; a certificate that differs is
 * refused with one line naming the difference, and nothing is written.
 */
class AcmPcaAnswerCheckTest {
    @TempDir
    Path temp;

    private FakeAws aws;
    private String caArn;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        caArn = aws.acmPca().createRootCa("EC_prime256v1", "mtls-cli answer-check CA");
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> entries = Files.list(temp)) {
            return entries.map(p -> p.getFileName().toString()).filter(name -> name.startsWith(".")).toList();
        }
    }

    @ParameterizedTest
    @CsvSource({
            "LONGER_VALIDITY, valid for 364 days; 30 were asked",
            "BEYOND_CA, beyond its CA's own certificate",
            "WRONG_EKU, without the extended key usage",
            "OTHER_KEY, for another public key",
            "OTHER_SUBJECT, with the subject 'CN=someone-else'",
            "NO_SAN, without the subject alternative names",
            "CA_LEAF, as a CA certificate",
            "SHA1_SIGNATURE, 'signed with SHA1withECDSA; MD5 and SHA-1 signatures are refused'"})
    void aCertificateOtherThanAskedIsRefusedAndNothingIsWritten(FakeAcmPca.Misissue how, String expected) throws IOException {
        aws.acmPca().misissue(FakeAcmPca.Misissue.valueOf(how.name()));
        Path out = temp.resolve("ws");

        Cli.Result result = FakeAwsCli.run(aws, "certs", "create", "--ca", "acm-pca", "--ca-arn", caArn, "--validity", "30",
                "--out", out.toString());

        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("ACM Private CA issued") && result.err().contains(expected), result.err());
        assertFalse(result.err().contains("internal error"), result.err());
        assertFalse(Files.exists(out));
        assertEquals(List.of(), leftovers(), "no staging directory left");
    }

    @Test
    void aRenewalFromAMisissuingCaLeavesTheWorkspaceAsItWas() throws IOException {
        Path ws = temp.resolve("ws");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "acm-pca", "--ca-arn", caArn, "--validity", "90", "--out", ws.toString());
        FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", ws.toString(), "--service", "service-2");
        byte[] before = Files.readAllBytes(ws.resolve("clients/service-2/keystore.p12"));
        aws.acmPca().misissue(FakeAcmPca.Misissue.LONGER_VALIDITY);

        Cli.Result result = FakeAwsCli.run(aws, "rotate", "--service", "service-2", "--workspace", ws.toString(), "--force");

        assertEquals(1, result.exitCode(), result.err());
        assertTrue(result.err().contains("valid for 364 days; 90 were asked"), result.err());
        assertArrayEquals(before, Files.readAllBytes(ws.resolve("clients/service-2/keystore.p12")));
        assertEquals(1, aws.lambda().layerVersions("mtls-service-2").size(), "nothing was published");
    }
}
