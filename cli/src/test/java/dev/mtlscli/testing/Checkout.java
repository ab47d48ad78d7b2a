package dev.mtlscli.testing;

import java.nio.file.Path;

/** The repository the tests run in: failsafe passes -Dmtls.repo; surefire runs in cli/, whose parent it is. */
public final class Checkout {
    public static final Path ROOT = Path.of(System.getProperty("mtls.repo", "..")).toAbsolutePath().normalize();

    private Checkout() {
    }
}
