package dev.mtlscli.pki;

import java.math.BigInteger;
import java.security.SecureRandom;

/** Random positive serials with 128 bits of entropy, above the 64 bits the CA/Browser Forum asks for. */
final class SerialNumbers {
    private static final int BYTES = 16;

    private SerialNumbers() {
    }

    static BigInteger next(SecureRandom random) {
        byte[] bytes = new byte[BYTES];
        BigInteger serial;
        do {
            random.nextBytes(bytes);
            serial = new BigInteger(1, bytes);
        } while (serial.signum() == 0);
        return serial;
    }
}
