package dev.mtlscli.cmd;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The elements of a comma-separated option (--regions, --accounts), repeatable. Split here and
 * not by picocli's split="," because that one drops trailing empty elements: "us-east-1,," would
 * pass while ",us-east-1" would not. An empty element or one named twice is a usage error: a
 * list with a hole or a repeat is most likely a mistake in the script that built it.
 */
final class CommaSeparated {
    private CommaSeparated() {
    }

    static List<String> elements(CommandLine command, String option, List<String> values) {
        List<String> elements = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String value : values) {
            for (String element : value.split(",", -1)) {
                String trimmed = element.trim();
                if (trimmed.isEmpty()) {
                    throw new ParameterException(command, option + " '" + value + "' has an empty element");
                }
                if (!seen.add(trimmed)) {
                    throw new ParameterException(command, "'" + trimmed + "' is named twice in " + option);
                }
                elements.add(trimmed);
            }
        }
        return List.copyOf(elements);
    }
}
