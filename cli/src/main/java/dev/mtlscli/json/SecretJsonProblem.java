package dev.mtlscli.json;

import com.fasterxml.jackson.core.exc.StreamReadException;

import java.util.List;
import java.util.Locale;

/**
 * What is wrong with a JSON document that holds secrets, in words of our own: Jackson's message
 * quotes the token or bytes at fault, which in a password file is the password itself.
 */
final class SecretJsonProblem {
    private record Kind(String messagePrefix, String description) {
    }

    // Matched against the start of Jackson's message, which is stable across its versions;
    // nothing after the prefix is ever used.
    private static final List<Kind> KINDS = List.of(
            new Kind("unrecognized token", "a value that is not a quoted string, number, true, false or null (a string without its quotes?)"),
            new Kind("unexpected end-of-input", "the document ends early (a missing quote, brace or bracket)"),
            new Kind("duplicate field", "a key that appears twice in the same object"),
            new Kind("illegal unquoted character", "a control character inside a string (write it as an escape such as \\n)"),
            new Kind("unrecognized character escape", "a backslash escape JSON does not have"),
            new Kind("invalid utf-8", "bytes that are not UTF-8"),
            new Kind("invalid utf-32", "bytes that are not UTF-8"),
            new Kind("illegal character", "a character that may not appear there"),
            new Kind("unexpected close marker", "a closing brace or bracket that does not match"),
            new Kind("invalid numeric value", "a malformed number"),
            new Kind("leading zeroes", "a malformed number"),
            new Kind("non-standard token", "a value JSON does not have"),
            new Kind("unexpected character", "an unexpected character"));

    private SecretJsonProblem() {
    }

    static String describe(StreamReadException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().toLowerCase(Locale.ROOT);
        for (Kind kind : KINDS) {
            if (message.startsWith(kind.messagePrefix())) {
                return kind.description();
            }
        }
        return "not valid JSON";
    }
}
