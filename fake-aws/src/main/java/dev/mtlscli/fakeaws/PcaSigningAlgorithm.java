package dev.mtlscli.fakeaws;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The ACM PCA signing algorithms the fake signs with, named as the API names them, with their JCA
 * names. SM3WITHSM2 and the ML-DSA ones are in the API but not here: the fake creates no such CA.
 */
enum PcaSigningAlgorithm {
    SHA256WITHECDSA("SHA256withECDSA", PcaKeyAlgorithm.Family.EC),
    SHA384WITHECDSA("SHA384withECDSA", PcaKeyAlgorithm.Family.EC),
    SHA512WITHECDSA("SHA512withECDSA", PcaKeyAlgorithm.Family.EC),
    SHA256WITHRSA("SHA256withRSA", PcaKeyAlgorithm.Family.RSA),
    SHA384WITHRSA("SHA384withRSA", PcaKeyAlgorithm.Family.RSA),
    SHA512WITHRSA("SHA512withRSA", PcaKeyAlgorithm.Family.RSA),
    /** Not in the API: only the SHA1_SIGNATURE misissue signs with these. */
    SHA1WITHECDSA("SHA1withECDSA", PcaKeyAlgorithm.Family.EC),
    SHA1WITHRSA("SHA1withRSA", PcaKeyAlgorithm.Family.RSA);

    /** The API's enum value set: a value outside it is a ValidationException, one inside it but not here a mismatch. */
    static final List<String> API_VALUES = List.of("SHA256WITHECDSA", "SHA384WITHECDSA", "SHA512WITHECDSA",
            "SHA256WITHRSA", "SHA384WITHRSA", "SHA512WITHRSA", "SM3WITHSM2", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87");

    private final String jcaName;
    private final PcaKeyAlgorithm.Family family;

    PcaSigningAlgorithm(String jcaName, PcaKeyAlgorithm.Family family) {
        this.jcaName = jcaName;
        this.family = family;
    }

    static Optional<PcaSigningAlgorithm> of(String apiName) {
        return Arrays.stream(values()).filter(PcaSigningAlgorithm::offered).filter(a -> a.name().equals(apiName)).findFirst();
    }

    /** Whether the API offers this algorithm (the SHA-1 ones exist only to misissue). */
    boolean offered() {
        return this != SHA1WITHECDSA && this != SHA1WITHRSA;
    }

    /** The SHA-1 algorithm of this one's key family, for the SHA1_SIGNATURE misissue. */
    PcaSigningAlgorithm sha1() {
        return family == PcaKeyAlgorithm.Family.EC ? SHA1WITHECDSA : SHA1WITHRSA;
    }

    String jcaName() {
        return jcaName;
    }

    PcaKeyAlgorithm.Family family() {
        return family;
    }
}
