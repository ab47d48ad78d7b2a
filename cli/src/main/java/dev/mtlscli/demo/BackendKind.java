package dev.mtlscli.demo;

/** --backend: a real nginx, the JDK's HTTPS server, or nginx when it is installed and the JDK's otherwise. */
public enum BackendKind {
    auto,
    nginx,
    jdk
}
