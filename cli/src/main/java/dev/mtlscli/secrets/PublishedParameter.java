package dev.mtlscli.secrets;

import dev.mtlscli.runtime.layer.ParameterRef;

/** A password's parameter version after publishing; changed is false when SSM already held the value. */
public record PublishedParameter(ParameterRef ref, boolean changed) {
}
