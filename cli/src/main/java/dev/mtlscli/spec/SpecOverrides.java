package dev.mtlscli.spec;

import dev.mtlscli.pki.KeyAlgorithm;
import dev.mtlscli.store.StoreType;

/** Command-line flags; a flag that is given wins over the spec file. Null means not given. */
public record SpecOverrides(KeyAlgorithm keyAlgorithm, Integer validityDays, Integer caValidityDays, StoreType storeType) {
    public static final SpecOverrides NONE = new SpecOverrides(null, null, null, null);
}
