package dev.mtlscli.cmd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.mtlscli.cmd.BadInputCli.assertNothingWritten;
import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;
import static dev.mtlscli.cmd.BadInputCli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** A FIFO or socket given as an input is refused at once in one line, never waited on. */
class SpecialFileInputTest {
    /** A hang guard only: the refusal comes before any read. */
    private static final Duration GUARD = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void aFifoIsRefusedForEveryInputOption() throws Exception {
        Path fifo = tmp.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        assertRefusedEverywhere(fifo, "FIFO");
    }

    @Test
    void aSocketIsRefusedForEveryInputOption() throws Exception {
        Path socket = tmp.resolve("sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            assertRefusedEverywhere(socket, "socket");
        }
    }

    @Test
    void aDirectoryIsRefusedForEveryInputOption() throws Exception {
        assertRefusedEverywhere(Files.createDirectory(tmp.resolve("dir")), "directory");
    }

    private void assertRefusedEverywhere(Path special, String kind) throws IOException {
        Path out = tmp.resolve("out");
        Path cert = Files.writeString(tmp.resolve("c.pem"), "x");
        Path password = Files.writeString(tmp.resolve("pw"), "SomePassword0123456789\n");
        String file = special.toString();
        String[][] runs = {
                {"certs", "inspect", file},
                {"certs", "inspect", cert.toString(), "--password-file", file},
                {"certs", "create", "--out", out.toString(), "--spec", file},
                {"certs", "create", "--out", out.toString(), "--password-file", file},
                {"certs", "import", "--out", out.toString(), "--service", "svc", "--keystore", file, "--keystore-password-file", password.toString()},
                {"certs", "import", "--out", out.toString(), "--service", "svc", "--keystore", cert.toString(), "--keystore-password-file", file},
        };
        for (String[] args : runs) {
            BadInputCli.Result result = assertTimeoutPreemptively(GUARD, () -> run(args), String.join(" ", args));
            String line = assertOneLineFailure(result, result.exitCode() == ExitCodes.USAGE ? ExitCodes.USAGE : ExitCodes.FAILED, file);
            if (result.exitCode() == ExitCodes.FAILED) {
                org.junit.jupiter.api.Assertions.assertTrue(line.contains(kind), String.join(" ", args) + ": " + line);
            }
            assertNothingWritten(out);
        }
    }
}
