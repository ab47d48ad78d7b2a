package dev.mtlscli.launcher;

import dev.mtlscli.cmd.MtlsCli;
import dev.mtlscli.testing.Tool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The man pages of the release archive, rendered by man(1) and compared with what --help
 * prints: one page per command, none for a command that no longer exists, and each page holding
 * the command's description and every option's names and description as the help shows them.
 */
class ManPagesIT {
    @TempDir
    static Path temp;
    private static Path manDirectory;

    @BeforeAll
    static void unpack() throws IOException {
        Tool.require("man");
        manDirectory = ReleaseArchive.unpack(temp.resolve("opt")).resolve("man");
    }

    /** Every command of the picocli model by its man page name, e.g. mtls-cli-certs-create. */
    private static Map<String, CommandLine> commands() {
        Map<String, CommandLine> commands = new TreeMap<>();
        List<CommandLine> pending = new ArrayList<>(List.of(new CommandLine(new MtlsCli())));
        while (!pending.isEmpty()) {
            CommandLine command = pending.remove(0);
            commands.put(command.getCommandSpec().qualifiedName("-"), command);
            pending.addAll(command.getSubcommands().values());
        }
        return commands;
    }

    @Test
    void everyCommandHasItsPageAndNoPageOutlivesItsCommand() throws IOException {
        List<String> pages;
        try (Stream<Path> files = Files.list(manDirectory)) {
            pages = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        List<String> expected = commands().keySet().stream().map(name -> name + ".1").sorted().toList();
        assertEquals(expected, pages);
        assertTrue(pages.contains("mtls-cli-certs-create.1"), pages::toString);
    }

    @Test
    void eachPageRendersAndSaysWhatHelpSays() {
        for (Map.Entry<String, CommandLine> entry : commands().entrySet()) {
            Path page = manDirectory.resolve(entry.getKey() + ".1");
            // a wide page so that no line break or hyphenation splits a sentence; C locale for plain ASCII
            Tool.Result rendered = Tool.of("man", "-l", page.toString()).onlyEnv(Map.of(
                    "PATH", System.getenv("PATH"), "LANG", "C", "MANPAGER", "cat", "MANWIDTH", "1000")).run();
            assertEquals(0, rendered.exitCode(), rendered::describe);
            assertEquals("", rendered.err(), "man and groff warn about nothing: " + rendered.describe());
            String text = collapse(rendered.out());

            CommandSpec spec = entry.getValue().getCommandSpec();
            String description = collapse(String.join(" ", spec.usageMessage().description()));
            assertTrue(text.contains(description), entry.getKey() + " lacks the description of --help: " + description);
            // as wide as the page, so that the help's own wrapping does not split a path such as ~/.aws/
            spec.usageMessage().width(1000);
            CommandLine.Help help = new CommandLine.Help(spec);
            for (OptionSpec option : spec.options()) {
                CommandLine.Help.Layout layout = help.createDefaultLayout();
                layout.addOption(option, help.createDefaultParamLabelRenderer());
                String asHelpPrintsIt = collapse(layout.toString());
                assertTrue(text.contains(asHelpPrintsIt), entry.getKey() + " does not say what --help says: " + asHelpPrintsIt);
            }
            for (String subcommand : entry.getValue().getSubcommands().keySet()) {
                assertTrue(text.contains(subcommand), entry.getKey() + " names its subcommand " + subcommand);
            }
        }
    }

    /** Whitespace as one space; AsciiDoc's curly apostrophe as '; `code` as code (a typeface in the page). */
    private static String collapse(String text) {
        return text.replace('\u2019', '\'').replace("`", "").replaceAll("\\s+", " ").strip();
    }
}
