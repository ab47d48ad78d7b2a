package dev.mtlscli.runtime.secrets;

import dev.mtlscli.runtime.MtlsRuntimeException;
import dev.mtlscli.runtime.layer.ParameterRef;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Passwords from environment variables, for callers that opt in explicitly (the demo's first
 * approaches, local runs). Environment variables are visible to anyone who can read the
 * function's configuration, which is why nothing falls back to this silently.
 */
public final class EnvironmentPasswords implements PasswordProvider {
    private final Map<ParameterRef, String> variables;
    private final Map<String, String> environment;

    /**
     * Passwords read from named variables; nothing is read until {@link #passwords} is called.
     *
     * @param variables   which environment variable holds the password of each parameter
     * @param environment the variables to read ({@code System.getenv()}, or a test's own)
     */
    public EnvironmentPasswords(Map<ParameterRef, String> variables, Map<String, String> environment) {
        this.variables = Map.copyOf(variables);
        this.environment = environment;
    }

    @Override
    public Map<ParameterRef, char[]> passwords(Collection<ParameterRef> parameters) {
        Map<ParameterRef, char[]> passwords = new LinkedHashMap<>();
        for (ParameterRef ref : parameters) {
            String variable = variables.get(ref);
            String value = variable == null ? null : environment.get(variable);
            if (value == null || value.isEmpty()) {
                throw new MtlsRuntimeException("no password for " + ref + " in the environment"
                        + (variable == null ? "" : " (variable " + variable + " is not set)"));
            }
            passwords.put(ref, value.toCharArray());
        }
        return passwords;
    }
}
