package dev.mtlscli.runtime.secrets;

import dev.mtlscli.runtime.layer.ParameterRef;

import java.util.Collection;
import java.util.Map;

/**
 * Where store passwords come from: SSM in Lambda ({@link SsmPasswords}, or
 * {@link ExtensionPasswords} through AWS's extension), an explicitly opted-in environment
 * otherwise ({@link EnvironmentPasswords}). Implement it to take them from elsewhere (a secrets
 * manager of your own); {@link dev.mtlscli.runtime.MtlsClients.Builder#passwords} takes it.
 */
public interface PasswordProvider {

    /**
     * The passwords of all these parameters, fetched together: one round trip where the source
     * allows it, since this runs in the function's cold start.
     *
     * @param parameters the pinned parameters of the stores, duplicates allowed
     * @return the password of every parameter asked for; the caller owns the arrays
     * @throws dev.mtlscli.runtime.MtlsRuntimeException when any of them cannot be had: a
     *         function must not start with half of its passwords
     */
    Map<ParameterRef, char[]> passwords(Collection<ParameterRef> parameters);
}
