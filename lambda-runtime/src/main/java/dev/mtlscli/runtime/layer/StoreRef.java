package dev.mtlscli.runtime.layer;

/**
 * A store file of a service's layer directory, its KeyStore type and where its password lives.
 *
 * @param file     the file's name in the service's directory (a plain name, no path)
 * @param type     its {@link java.security.KeyStore} type, PKCS12 or JKS
 * @param password the SSM parameter, pinned to a version, that holds the store's password
 */
public record StoreRef(String file, String type, ParameterRef password) {
}
