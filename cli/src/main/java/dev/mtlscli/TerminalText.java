package dev.mtlscli;

/**
 * Makes text from untrusted places (spec files, file names, names and zip entries read from
 * AWS) safe to print to a terminal: an escape sequence in a layer name must not be able to
 * move the cursor, rewrite earlier lines or retitle the window, and a newline in a name must
 * not turn one error line into two.
 */
public final class TerminalText {
    private TerminalText() {
    }

    /**
     * Escapes C0 and C1 control characters (newline and tab included), DEL, and the Unicode
     * bidirectional overrides that can make a name display as another. Printable text,
     * including non-ASCII letters, is left as it is.
     */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = replacement(c);
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                out.append(replacement != null ? replacement : String.valueOf(c));
            }
        }
        return out == null ? text : out.toString();
    }

    /** {@link #escape(String)} of the value's string form; for messages that quote any object. */
    public static String escape(Object value) {
        return escape(String.valueOf(value));
    }

    private static String replacement(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                break;
        }
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
            return String.format("\\x%02x", (int) c);
        }
        if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f) {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }
}
