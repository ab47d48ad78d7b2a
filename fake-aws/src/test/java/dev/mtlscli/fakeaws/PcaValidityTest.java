package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The Validity types as the API reference defines them, including its UTCTime century rule. */
class PcaValidityTest {
    private static final Instant ISSUED = Instant.parse("2020-10-12T12:34:54.789Z");

    private static Instant resolve(String type, long value) throws AwsError {
        return PcaValidity.of(type, value, "validity").resolve(ISSUED);
    }

    @Test
    void endDateIsUtcTimeOrGeneralizedTime() throws AwsError {
        assertEquals(Instant.parse("2049-12-31T23:59:59Z"), resolve("END_DATE", 491231235959L));
        assertEquals(Instant.parse("1950-01-01T00:00:00Z"), resolve("END_DATE", 500101000000L));
        assertEquals(Instant.parse("2051-06-30T12:00:00Z"), resolve("END_DATE", 20510630120000L));
        AwsError badLength = assertThrows(AwsError.class, () -> resolve("END_DATE", 2051063012L));
        assertEquals("ValidationException", badLength.type());
        assertThrows(AwsError.class, () -> resolve("END_DATE", 20511332000000L), "month 13");
    }

    @Test
    void absoluteIsEpochSeconds() throws AwsError {
        assertEquals(Instant.parse("2050-01-01T00:00:00Z"), resolve("ABSOLUTE", 2524608000L));
    }

    @Test
    void relativeTypesCountFromIssuanceToTheSecond() throws AwsError {
        assertEquals(Instant.parse("2021-01-10T12:34:54Z"), resolve("DAYS", 90));
        assertEquals(Instant.parse("2021-02-12T12:34:54Z"), resolve("MONTHS", 4));
        assertEquals(Instant.parse("2022-10-12T12:34:54Z"), resolve("YEARS", 2));
    }

    @Test
    void theModelConstraintsAreValidationErrors() {
        assertEquals("ValidationException", assertThrows(AwsError.class, () -> resolve("WEEKS", 1)).type());
        assertEquals("ValidationException", assertThrows(AwsError.class, () -> resolve("DAYS", 0)).type());
        assertEquals("ValidationException",
                assertThrows(AwsError.class, () -> PcaValidity.of(null, 1L, "validity")).type());
    }
}
