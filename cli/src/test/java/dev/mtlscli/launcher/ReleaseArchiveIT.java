package dev.mtlscli.launcher;

import dev.mtlscli.testing.Checkout;
import dev.mtlscli.testing.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The release archive as a user installs it: unpacked into one directory, bin/mtls-cli linked
 * from a second one on the PATH, run from a third. The launcher finds its jar through the
 * symlink, makes a class-data-sharing archive for the JVM that runs it on the first run, and
 * says clearly when Java is too old.
 */
class ReleaseArchiveIT {
    @TempDir
    Path temp;

    private static Tool.Result run(Path workDir, Map<String, String> environment, String... args) {
        return Tool.of(args[0], java.util.Arrays.copyOfRange(args, 1, args.length)).directory(workDir).env(environment).run();
    }

    @Test
    void unpackedLinkedFromThePathAndRunFromElsewhere() throws Exception {
        // every directory with a space in its name: an install path or a HOME with one must work
        Path installed = ReleaseArchive.unpack(temp.resolve("opt dir"));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(installed.resolve("bin/mtls-cli"))));
        try (Stream<Path> lib = Files.list(installed.resolve("lib"))) {
            assertEquals(List.of("mtls-cli.classlist", "mtls-cli.jar"), lib.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no CDS archive is shipped, only the list of classes to make one from");
        }
        Path bin = Files.createDirectories(temp.resolve("bin dir"));
        Files.createSymbolicLink(bin.resolve("mtls-cli"), installed.resolve("bin/mtls-cli"));
        Path work = Files.createDirectories(temp.resolve("work dir"));
        Map<String, String> environment = Map.of("PATH", bin + ":" + System.getenv("PATH"), "XDG_CACHE_HOME", temp.resolve("cache dir").toString());

        // through a shell, which looks mtls-cli up on the PATH given, as a user's shell does
        Tool.Result version = run(work, environment, "sh", "-c", "mtls-cli --version");
        assertEquals(0, version.exitCode(), version::describe);
        assertTrue(version.out().matches("(?s)mtls-cli \\S+\ncommit [0-9a-f]{12}\nbuilt with JDK \\S+.*\nrunning on Java .*"),
                "version, git commit and build JDK: " + version.out());
        assertEquals("", version.err(), "nothing on stderr: " + version.err());
        try (Stream<Path> cache = Files.list(temp.resolve("cache dir/mtls-cli"))) {
            assertTrue(cache.anyMatch(f -> f.getFileName().toString().matches("mtls-cli-\\d+\\.jsa")), "the first run made the CDS archive");
        }

        Tool.Result created = run(work, environment, "sh", "-c", "mtls-cli certs create --out certs");
        assertEquals(0, created.exitCode(), created::describe);
        assertEquals("", created.err(), created::describe);
        assertTrue(Files.isRegularFile(work.resolve("certs/clients/service-1/keystore.p12")));
    }

    @Test
    void theArchiveHasItsChecksumAnSbomOfTheShippedLibrariesAndTheChangelog() throws Exception {
        Path archive = ReleaseArchive.file();
        Tool.Result checked = Tool.of("sh", "-c", "cd \"$1\" && sha256sum -c \"$2\"", "sh", archive.getParent().toString(),
                archive.getFileName() + ".sha256").runOk();
        assertTrue(checked.out().contains(": OK"), checked::describe);
        Path installed = ReleaseArchive.unpack(temp.resolve("opt"));
        assertTrue(Files.readString(installed.resolve("CHANGELOG.md")).startsWith("# Changelog"));
        Path completion = installed.resolve("completion/mtls-cli.bash");
        Tool.Result generated = Tool.of(installed.resolve("bin/mtls-cli").toString(), "generate-completion")
                .env("XDG_CACHE_HOME", temp.resolve("cache").toString()).runOk();
        assertEquals(generated.out().strip(), Files.readString(completion).strip(), "the shipped completion is the command's own");
        Tool.Result registered = Tool.of("bash", "-c", "source \"$1\" && complete -p mtls-cli", "bash", completion.toString()).runOk();
        assertTrue(registered.out().contains("mtls-cli"), registered::describe);
        com.fasterxml.jackson.databind.JsonNode sbom = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(sbom(installed).toFile());
        assertEquals("CycloneDX", sbom.path("bomFormat").asText());
        Map<String, String> versions = new java.util.HashMap<>();
        sbom.path("components").forEach(c -> versions.put(c.path("group").asText() + ":" + c.path("name").asText(), c.path("version").asText()));
        for (String component : List.of("info.picocli:picocli", "org.bouncycastle:bcpkix-jdk18on", "software.amazon.awssdk:lambda",
                "software.amazon.awssdk:ssm")) {
            assertTrue(versions.getOrDefault(component, "").matches("\\d+(\\.\\d+)+"), component + " with its version in " + versions);
        }
    }

    @Test
    void theProductCarriesNoTestSupport() throws Exception {
        Path installed = ReleaseArchive.unpack(temp.resolve("opt"));
        for (Path jar : List.of(Checkout.ROOT.resolve("cli/target/mtls-cli.jar"), installed.resolve("lib/mtls-cli.jar"))) {
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
                List<String> entries = zip.stream().map(java.util.zip.ZipEntry::getName).toList();
                assertTrue(entries.contains("dev/mtlscli/demo/LoopbackParameterStore.class"), "the demo's own Parameter Store is in " + jar);
                List<String> testSupport = entries.stream()
                        .filter(name -> name.startsWith("dev/mtlscli/fakeaws/") || name.startsWith("org/junit/")).toList();
                assertEquals(List.of(), testSupport, "test support in " + jar);
            }
        }
        com.fasterxml.jackson.databind.JsonNode sbom = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(sbom(installed).toFile());
        List<String> components = new java.util.ArrayList<>();
        sbom.path("components").forEach(c -> components.add(c.path("group").asText() + ":" + c.path("name").asText()));
        assertTrue(components.contains("dev.mtlscli:mtls-lambda-runtime"), components::toString);
        assertTrue(components.stream().noneMatch(c -> c.equals("dev.mtlscli:mtls-fake-aws") || c.startsWith("org.junit")),
                "the SBOM lists what ships: " + components);
    }

    @Test
    void theFirstRunMapsTheShippedClassListWhateverCommandItRuns() throws Exception {
        // no space in these paths: Java 17 does not take application classes from an archive
        // whose jar path has one (Java 25 does; README)
        Path installed = ReleaseArchive.unpack(temp.resolve("opt"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path cache = temp.resolve("cache");
        Map<String, String> environment = Map.of("JAVA_HOME", java.getParent().getParent().toString(), "XDG_CACHE_HOME", cache.toString());

        Tool.Result version = run(temp, environment, installed.resolve("bin/mtls-cli").toString(), "--version");
        assertEquals(0, version.exitCode(), version::describe);
        Path archive;
        try (Stream<Path> files = Files.list(cache.resolve("mtls-cli"))) {
            archive = files.filter(f -> f.getFileName().toString().matches("mtls-cli-\\d+\\.jsa")).findFirst()
                    .orElseThrow(() -> new AssertionError("the first run made no CDS archive"));
        }

        // -Xshare:on: this JVM fails rather than run without the archive
        Tool.Result created = Tool.of(java.toString(), "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info",
                "-jar", installed.resolve("lib/mtls-cli.jar").toString(), "certs", "create", "--out", temp.resolve("certs").toString()).run();
        assertEquals(0, created.exitCode(), created::describe);
        for (String loaded : List.of("dev.mtlscli.cmd.CertsCreateCommand", "dev.mtlscli.workspace.CertsCreator", "dev.mtlscli.pki.CertificateBuilder")) {
            assertTrue(created.out().contains(loaded + " source: shared objects file"), loaded + " is not taken from the archive");
        }
    }

    @Test
    void aCdsDumpKilledHalfWayLeavesNoArchiveAndAFailedOneIsNotRetried() throws Exception {
        Path launcher = ReleaseArchive.unpack(temp.resolve("opt")).resolve("bin/mtls-cli");
        Path cache = temp.resolve("cache");

        // a java whose dump writes half an archive and dies as SIGKILL leaves it; the command still runs
        Tool.Result killed = run(temp, Map.of("JAVA_HOME", fakeJava("killed", "kill -9 $$").toString(), "XDG_CACHE_HOME", cache.toString()),
                launcher.toString(), "--version");
        assertEquals(0, killed.exitCode(), killed::describe);
        assertEquals("ran without an archive", killed.out().strip());
        assertEquals(List.of(), cacheFiles(cache), "neither the half archive nor its temporary file, and no verdict");

        // a java that refuses to dump is remembered, so the next run does not try again
        Path refusing = fakeJava("refusing", "exit 1");
        Tool.Result refused = run(temp, Map.of("JAVA_HOME", refusing.toString(), "XDG_CACHE_HOME", cache.toString()), launcher.toString(), "status");
        assertEquals(0, refused.exitCode(), refused::describe);
        List<String> files = cacheFiles(cache);
        assertEquals(1, files.size(), files::toString);
        assertTrue(files.get(0).matches("mtls-cli-\\d+\\.failed"), files::toString);
        Files.delete(temp.resolve("dumps"));
        run(temp, Map.of("JAVA_HOME", refusing.toString(), "XDG_CACHE_HOME", cache.toString()), launcher.toString(), "status");
        assertFalse(Files.exists(temp.resolve("dumps")), "no second dump");

        // one whose dump completes: the archive is kept and used
        Tool.Result made = run(temp, Map.of("JAVA_HOME", fakeJava("dumping", "exit 0").toString(), "XDG_CACHE_HOME", cache.toString()),
                launcher.toString(), "status");
        assertEquals(0, made.exitCode(), made::describe);
        assertTrue(cacheFiles(cache).stream().anyMatch(f -> f.matches("mtls-cli-\\d+\\.jsa")), cacheFiles(cache)::toString);
        Tool.Result used = run(temp, Map.of("JAVA_HOME", temp.resolve("dumping").toString(), "XDG_CACHE_HOME", cache.toString()),
                launcher.toString(), "status");
        assertEquals("ran with an archive", used.out().strip(), used::describe);
    }

    @Test
    void aCacheDirectoryOthersCanWriteGetsNoArchiveAndOnePlantedThereIsNotUsed() throws Exception {
        Path launcher = ReleaseArchive.unpack(temp.resolve("opt")).resolve("bin/mtls-cli");
        Path java = fakeJava("dumping", "exit 0");
        Path shared = Files.createDirectories(temp.resolve("shared/mtls-cli"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));

        Tool.Result first = run(temp, Map.of("JAVA_HOME", java.toString(), "XDG_CACHE_HOME", temp.resolve("shared").toString()),
                launcher.toString(), "--version");
        assertEquals("ran without an archive", first.out().strip(), first::describe);
        assertEquals(List.of(), cacheFiles(temp.resolve("shared")), "nothing made in a world-writable directory");
        assertFalse(Files.exists(temp.resolve("dumps")), "not even tried");

        // the archive this JVM would look for, as another user could plant it there
        Path own = temp.resolve("own");
        run(temp, Map.of("JAVA_HOME", java.toString(), "XDG_CACHE_HOME", own.toString()), launcher.toString(), "--version");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(own.resolve("mtls-cli"))),
                "a cache directory the launcher makes is private");
        for (String name : cacheFiles(own)) {
            Files.copy(own.resolve("mtls-cli").resolve(name), shared.resolve(name));
        }
        Tool.Result planted = run(temp, Map.of("JAVA_HOME", java.toString(), "XDG_CACHE_HOME", temp.resolve("shared").toString()),
                launcher.toString(), "--version");
        assertEquals("ran without an archive", planted.out().strip(), planted::describe);
        Tool.Result owned = run(temp, Map.of("JAVA_HOME", java.toString(), "XDG_CACHE_HOME", own.toString()), launcher.toString(), "--version");
        assertEquals("ran with an archive", owned.out().strip(), "the same archive in a private directory is used: " + owned.describe());
    }

    private static List<String> cacheFiles(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache.resolve("mtls-cli"))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * A JAVA_HOME whose java says it is 17. Asked to dump a CDS archive it writes "half" as the
     * archive, notes the attempt in TEMP/dumps and runs {@code dumpEnd}; asked to run the CLI it
     * says whether it was given an archive.
     */
    private Path fakeJava(String name, String dumpEnd) throws IOException {
        Path java = Files.createDirectories(temp.resolve(name + "/bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n"
                + "[ \"$1\" = -version ] && { echo 'openjdk version \"17.0.15\" 2025-04-15' >&2; exit 0; }\n"
                + "if [ \"$1\" = -Xshare:dump ]; then\n"
                + "  echo dump >> '" + temp.resolve("dumps") + "'\n"
                + "  for a in \"$@\"; do case $a in -XX:SharedArchiveFile=*) printf half > \"${a#-XX:SharedArchiveFile=}\" ;; esac; done\n"
                + "  " + dumpEnd + "\n"
                + "fi\n"
                + "case \"$*\" in *-XX:SharedArchiveFile=*) echo 'ran with an archive' ;; *) echo 'ran without an archive' ;; esac\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return temp.resolve(name);
    }

    private static Path sbom(Path installed) {
        Path sbom = installed.resolve("sbom.cdx.json");
        assertTrue(Files.isRegularFile(sbom), "no SBOM in the archive: was it built offline (mvn -o)? The CycloneDX plugin then makes none");
        return sbom;
    }

    @Test
    void aJavaOlderThan17OrAWrongJavaHomeIsNamed() throws Exception {
        Path launcher = ReleaseArchive.unpack(temp.resolve("opt")).resolve("bin/mtls-cli");
        Path oldJava = Files.createDirectories(temp.resolve("jdk11/bin")).resolve("java");
        Files.writeString(oldJava, "#!/bin/sh\necho 'openjdk version \"11.0.21\" 2023-10-17' >&2\n");
        Files.setPosixFilePermissions(oldJava, PosixFilePermissions.fromString("rwxr-xr-x"));

        Tool.Result result = run(temp, Map.of("JAVA_HOME", temp.resolve("jdk11").toString()), launcher.toString(), "--version");

        assertEquals(1, result.exitCode(), result::describe);
        assertTrue(result.err().contains("Java 17 or newer is needed; " + oldJava + " is 11.0.21"), result::describe);

        Tool.Result wrongHome = run(temp, Map.of("JAVA_HOME", temp.resolve("no-jdk").toString()), launcher.toString(), "--version");
        assertEquals(1, wrongHome.exitCode(), "not the java of the PATH: " + wrongHome.describe());
        assertEquals("mtls-cli: JAVA_HOME is " + temp.resolve("no-jdk") + ", which has no bin/java; set it to a Java 17+ installation or unset it",
                wrongHome.err().strip());
    }
}
