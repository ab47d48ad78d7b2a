package dev.mtlscli.runtime.it;

import dev.mtlscli.testing.Tool;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * MtlsClients.forServices("service-1") in a JVM of its own, with only the class path and the
 * environment given: it prints "built", or the MtlsRuntimeException's message, and exits 0.
 */
final class ForServicesProbe {
    private static final String SOURCE = """
            import dev.mtlscli.runtime.MtlsClients;
            import dev.mtlscli.runtime.MtlsRuntimeException;

            public class ForServicesProbe {
                public static void main(String[] args) {
                    try {
                        MtlsClients.forServices("service-1");
                        System.out.println("built");
                    } catch (MtlsRuntimeException e) {
                        System.out.println(e.getMessage());
                    }
                }
            }
            """;

    private ForServicesProbe() {
    }

    /** The class path of a function with the extension: the runtime library and jackson-core, no AWS SDK. */
    static String runtimeWithoutSdk() {
        return String.join(File.pathSeparator, onTestClassPath("lambda-runtime"), onTestClassPath("/com/fasterxml/jackson/core/jackson-core/"));
    }

    /** The entry of this JVM's class path whose name contains {@code part}: a jar, or a module's classes directory. */
    static String onTestClassPath(String part) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.contains(part) && !entry.contains("test-classes"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + part + " on the class path"));
    }

    static Tool.Result run(Path directory, String classPath, Map<String, String> environment) throws IOException {
        Path probe = Files.writeString(directory.resolve("ForServicesProbe.java"), SOURCE);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Tool.of(java.toString(), "-cp", classPath, probe.toString()).onlyEnv(environment).run();
    }
}
