package dev.mtlscli.pki;

/** What a certificate is for; decides its extensions (see {@link CertificateBuilder}). */
public enum CertificateProfile {
    /** A root that issues the leaves itself: pathLen 0. */
    ROOT_CA,
    /** A root kept offline that issues one level of CAs (the KMS intermediate): pathLen 1. */
    OFFLINE_ROOT_CA,
    /** A CA issued by a root that issues the leaves: pathLen 0. */
    INTERMEDIATE_CA,
    SERVER,
    CLIENT
}
