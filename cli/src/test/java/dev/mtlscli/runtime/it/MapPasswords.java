package dev.mtlscli.runtime.it;

import dev.mtlscli.runtime.MtlsRuntimeException;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.runtime.secrets.PasswordProvider;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A PasswordProvider standing in for SSM: a map from pinned parameter to password, and a record of each call. */
public final class MapPasswords implements PasswordProvider {
    private final Map<ParameterRef, String> values = new LinkedHashMap<>();
    final List<List<ParameterRef>> calls = new ArrayList<>();

    MapPasswords put(ParameterRef parameter, String password) {
        values.put(parameter, password);
        return this;
    }

    public String get(ParameterRef parameter) {
        return values.get(parameter);
    }

    @Override
    public Map<ParameterRef, char[]> passwords(Collection<ParameterRef> parameters) {
        calls.add(List.copyOf(parameters));
        Map<ParameterRef, char[]> found = new LinkedHashMap<>();
        for (ParameterRef parameter : parameters) {
            String value = values.get(parameter);
            if (value == null) {
                throw new MtlsRuntimeException("test SSM has no parameter " + parameter);
            }
            found.put(parameter, value.toCharArray());
        }
        return found;
    }
}
