package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What IssueCertificate accepts as a CSR, and what is a MalformedCSRException. */
class PcaCsrTest {

    @Test
    void aSubjectOrASubjectAlternativeNameIsEnough() throws AwsError {
        PcaCsr subjectOnly = PcaCsr.parse(PcaCsrs.csr(PcaCsrs.ecKey(), "CN=svc"));
        PcaCsr sanOnly = PcaCsr.parse(PcaCsrs.csr(PcaCsrs.rsaKey(), "", "svc.internal"));

        assertNull(subjectOnly.subjectAltName());
        assertNotNull(sanOnly.subjectAltName());
        assertEquals(0, sanOnly.subject().getRDNs().length);
    }

    @Test
    void neitherSubjectNorSubjectAlternativeNameIsMalformed() {
        AwsError e = assertThrows(AwsError.class, () -> PcaCsr.parse(PcaCsrs.csr(PcaCsrs.ecKey(), "")));

        assertEquals("MalformedCSRException", e.type());
        assertEquals(400, e.status());
    }

    @Test
    void aCertificateInsteadOfACsrIsMalformed() {
        String ca = "-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHHIG\n-----END CERTIFICATE-----\n";

        AwsError e = assertThrows(AwsError.class, () -> PcaCsr.parse(ca.getBytes(StandardCharsets.US_ASCII)));

        assertEquals("MalformedCSRException", e.type());
    }
}
