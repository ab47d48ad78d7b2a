package dev.mtlscli.demo;

/** What one approach's handler answered, and whether that is what the demo expects of it. */
public record DemoOutcome(String approach, int status, String body, boolean expected, String expectation) {
}
