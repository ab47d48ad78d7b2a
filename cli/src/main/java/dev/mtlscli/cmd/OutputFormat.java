package dev.mtlscli.cmd;

/**
 * --output: text for people, json for scripts, prometheus (the text exposition format) for a
 * metrics scraper; only `status` offers prometheus.
 */
public enum OutputFormat {
    text,
    json,
    prometheus
}
