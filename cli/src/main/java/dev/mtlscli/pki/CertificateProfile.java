package dev.mtlscli.pki;

/** What a certificate is for; decides its extensions (see {@link CertificateBuilder}). */
public enum CertificateProfile {
    ROOT_CA,
    SERVER,
    CLIENT
}
