package dev.mtlscli.fakeaws;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * ACM PCA's {@code Validity} structure, {@code {Value, Type}}, turned into an instant as the API
 * reference defines it: END_DATE is a UTCTime (YYMMDDHHMMSS, YY below 50 is 20YY) or
 * GeneralizedTime (YYYYMMDDHHMMSS) written as a number, ABSOLUTE is epoch seconds, and DAYS,
 * MONTHS, YEARS count from the moment of issuance.
 */
record PcaValidity(String type, long value) {
    private static final List<String> TYPES = List.of("END_DATE", "ABSOLUTE", "DAYS", "MONTHS", "YEARS");
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("uuuuMMddHHmmss");

    /**
     * A validity from the request's fields, checked against the model's constraints: both required,
     * Type one of the enum, Value at least 1. {@code member} is the field's name in AWS's messages,
     * e.g. {@code validity}.
     */
    static PcaValidity of(String type, Long value, String member) throws AwsError {
        if (type == null || value == null) {
            throw AwsError.validation("1 validation error detected: Value null at '" + member + "."
                    + (type == null ? "type" : "value") + "' failed to satisfy constraint: Member must not be null");
        }
        if (!TYPES.contains(type)) {
            throw AwsError.validation("1 validation error detected: Value '" + type + "' at '" + member
                    + ".type' failed to satisfy constraint: Member must satisfy enum value set: " + TYPES);
        }
        if (value < 1) {
            throw AwsError.validation("1 validation error detected: Value '" + value + "' at '" + member
                    + ".value' failed to satisfy constraint: Member must have value greater than or equal to 1");
        }
        return new PcaValidity(type, value);
    }

    /** The instant this validity names, for a certificate issued at {@code issuedAt}. */
    Instant resolve(Instant issuedAt) throws AwsError {
        Instant issued = issuedAt.truncatedTo(ChronoUnit.SECONDS);
        switch (type) {
            case "DAYS":
                return issued.plus(value, ChronoUnit.DAYS);
            case "MONTHS":
                return issued.atZone(ZoneOffset.UTC).plusMonths(value).toInstant();
            case "YEARS":
                return issued.atZone(ZoneOffset.UTC).plusYears(value).toInstant();
            case "ABSOLUTE":
                return Instant.ofEpochSecond(value);
            default:
                return endDate();
        }
    }

    private Instant endDate() throws AwsError {
        String digits = Long.toString(value);
        if (digits.length() == 12) {
            int yy = Integer.parseInt(digits.substring(0, 2));
            digits = (yy >= 50 ? "19" : "20") + digits;
        }
        if (digits.length() != 14) {
            throw AwsError.validation("The END_DATE validity " + value + " is neither a UTCTime (YYMMDDHHMMSS)"
                    + " nor a GeneralizedTime (YYYYMMDDHHMMSS).");
        }
        try {
            return LocalDateTime.parse(digits, GENERALIZED_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw AwsError.validation("The END_DATE validity " + value + " is not a valid date and time.");
        }
    }
}
