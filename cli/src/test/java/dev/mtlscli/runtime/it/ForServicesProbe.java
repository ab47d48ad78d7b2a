package dev.mtlscli.runtime.it;

import dev.mtlscli.testing.Tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    static Tool.Result run(Path directory, String classPath, Map<String, String> environment) throws IOException {
        Path probe = Files.writeString(directory.resolve("ForServicesProbe.java"), SOURCE);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Tool.of(java.toString(), "-cp", classPath, probe.toString()).onlyEnv(environment).run();
    }
}
