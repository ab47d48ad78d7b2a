package dev.mtlscli.runtime.secrets;

import dev.mtlscli.runtime.layer.ParameterRef;

import java.util.Collection;
import java.util.Map;

/** Where store passwords come from: SSM in Lambda, an explicitly opted-in environment otherwise. */
public interface PasswordProvider {

    /** The passwords of all these parameters, fetched together (one round trip where possible). */
    Map<ParameterRef, char[]> passwords(Collection<ParameterRef> parameters);
}
