package dev.mtlscli.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.testing.Checkout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the packaged command the way users do, `./mtls-cli` at the repo root over the shaded
 * jar and its CDS archive, so that shading (signed BouncyCastle jars, resources, the manifest)
 * and the launcher are tested, not just the classes. Runs after `package` (failsafe).
 */
class LauncherIT {

    @TempDir
    Path temp;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Checkout.ROOT.resolve("mtls-cli").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(Checkout.ROOT.toFile()).start();
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "mtls-cli did not finish");
        return new Run(process.exitValue(), out, err);
    }

    @Test
    void createsTheDemoSetAndInspectsItsKeystore() throws Exception {
        Path out = temp.resolve("demo-certs");
        Run created = run(null, "certs", "create", "--out", out.toString(), "--output", "json");
        assertEquals(0, created.exit(), created.err());
        assertEquals("", created.err(), "nothing on stderr, no JVM or CDS warnings");

        JsonNode json = new ObjectMapper().readTree(created.out());
        assertEquals(17, json.path("files").size(), created.out());
        for (JsonNode file : json.path("files")) {
            assertTrue(Files.isRegularFile(out.resolve(file.path("path").asText())), file.toString());
        }

        @SuppressWarnings("unchecked")
        Map<String, Map<String, String>> passwords = new ObjectMapper().readValue(out.resolve("passwords.json").toFile(), Map.class);
        String password = passwords.get("passwords").get("clients/service-1/keystore.p12");
        Run inspected = run(password + "\n", "certs", "inspect", out.resolve("clients/service-1/keystore.p12").toString(),
                "--password-stdin", "--output", "json");
        assertEquals(0, inspected.exit(), inspected.err());
        JsonNode entry = new ObjectMapper().readTree(inspected.out()).path("entries").get(0);
        assertEquals("service-1", entry.path("alias").asText());
        assertTrue(entry.path("keyMatches").asBoolean());
        assertTrue(entry.path("chainVerifies").asBoolean());
    }

    @Test
    void rsaRunsThroughTheTieredLauncherPath() throws Exception {
        Path out = temp.resolve("rsa");
        Run created = run(null, "certs", "create", "--key-algorithm", "rsa-2048", "--store-type", "jks", "--out", out.toString());
        assertEquals(0, created.exit(), created.err());
        assertTrue(Files.isRegularFile(out.resolve("clients/service-2/keystore.jks")));
    }

    /** The launcher never reads the user's files: a spec that can be read only once reaches Java whole. */
    @Test
    void aSpecOnStandardInputOrFromAProcessSubstitutionIsReadByJavaAlone() throws Exception {
        String spec = "{\"keyAlgorithm\": \"rsa-2048\", \"services\": [{\"name\": \"svc\", \"host\": \"svc.example.com\"}]}";
        Path fromStdin = temp.resolve("stdin");
        Run piped = run(spec, "certs", "create", "--spec", "/dev/stdin", "--out", fromStdin.toString());
        assertEquals(0, piped.exit(), piped.err());
        assertTrue(Files.isRegularFile(fromStdin.resolve("clients/svc/keystore.p12")));

        Path specFile = Files.writeString(temp.resolve("s.json"), spec);
        Path substituted = temp.resolve("substituted");
        Process bash = new ProcessBuilder("bash", "-c", "\"$0\" certs create --spec <(cat \"$1\") --out \"$2\"",
                Checkout.ROOT.resolve("mtls-cli").toString(), specFile.toString(), substituted.toString()).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bash.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, bash.exitValue(), output);
        assertTrue(Files.isRegularFile(substituted.resolve("clients/svc/keystore.p12")));
    }

    @Test
    void anEndlessSpecEndsInOneLine() throws Exception {
        Run endless = run(null, "certs", "create", "--spec", "/dev/zero", "--out", temp.resolve("z").toString());
        assertEquals(1, endless.exit(), endless.err());
        assertEquals(1, endless.err().lines().count(), endless.err());
        assertTrue(endless.err().contains("larger than"), endless.err());
        assertTrue(Files.notExists(temp.resolve("z")));
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Run bad = run(null, "certs", "create", "--key-algorithm", "dsa-1024", "--out", temp.resolve("x").toString());
        assertEquals(2, bad.exit());
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertTrue(bad.err().contains("dsa-1024"), bad.err());
        assertTrue(Files.notExists(temp.resolve("x")));
    }

    @Test
    void versionHelpAndCompletion() throws Exception {
        Run version = run(null, "--version");
        assertEquals(0, version.exit());
        assertTrue(version.out().startsWith("mtls-cli "), version.out());

        Run help = run(null, "help", "certs", "create");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("--key-algorithm"), help.out());

        Run completion = run(null, "generate-completion");
        assertEquals(0, completion.exit());
        assertTrue(completion.out().contains("complete -F"), "a bash completion script");
    }
}
