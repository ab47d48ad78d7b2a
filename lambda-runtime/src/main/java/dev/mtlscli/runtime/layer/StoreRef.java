package dev.mtlscli.runtime.layer;

/** A store file of a service's layer directory, its KeyStore type and where its password lives. */
public record StoreRef(String file, String type, ParameterRef password) {
}
