package dev.mtlscli.cmd;

/** --output: text for people, json for scripts. */
public enum OutputFormat {
    text,
    json
}
