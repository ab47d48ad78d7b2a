package dev.mtlscli.fakeaws;

import java.util.Locale;
import java.util.regex.Pattern;

/** SSM's rules for parameter names, and the {@code name:version} and {@code name:label} selectors of the Get calls. */
final class SsmNames {
    private static final Pattern ALLOWED = Pattern.compile("[a-zA-Z0-9_.\\-/]{1,2048}");

    private SsmNames() {
    }

    /** A requested name split into the parameter name and the optional selector after the last ':'. */
    record Selected(String requested, String name, String selector) {

        /**
         * The version the selector names, or -1 when there is no selector, 0 when it is not a number
         * (then it is a label: labels cannot start with a digit).
         */
        long version() {
            if (selector == null) {
                return -1;
            }
            try {
                return Long.parseLong(selector);
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        /** The label the selector names, or null when there is no selector or it is a version number. */
        String label() {
            return selector != null && version() == 0 ? selector : null;
        }
    }

    static Selected select(String requested) {
        int colon = requested.lastIndexOf(':');
        if (colon < 0) {
            return new Selected(requested, requested, null);
        }
        return new Selected(requested, requested.substring(0, colon), requested.substring(colon + 1));
    }

    static void check(String name) throws AwsError {
        if (name == null || !ALLOWED.matcher(name).matches()) {
            throw AwsError.validation("Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive)."
                    + " If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be"
                    + " formed as a mix of letters, numbers and the following 3 symbols .-_");
        }
        String first = (name.startsWith("/") ? name.substring(1) : name).toLowerCase(Locale.ROOT);
        if (first.startsWith("aws") || first.startsWith("ssm")) {
            throw AwsError.validation("No access to reserved parameter name: " + name + ".");
        }
        if (name.contains("/") && !name.startsWith("/")) {
            throw AwsError.validation("Parameter name must be a fully qualified name.");
        }
    }
}
