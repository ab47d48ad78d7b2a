package dev.mtlscli.cmd;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version, git commit and build JDK recorded by the build in mtls-cli.properties, and the Java running it. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/dev/mtlscli/mtls-cli.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        return new String[] {
                "mtls-cli " + properties.getProperty("version", "unknown"),
                "commit " + properties.getProperty("commit", "unknown"),
                "built with JDK " + properties.getProperty("buildJdk", "unknown"),
                "running on Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
