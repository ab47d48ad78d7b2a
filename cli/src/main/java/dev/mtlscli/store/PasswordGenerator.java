package dev.mtlscli.store;

import java.security.SecureRandom;

/**
 * Store passwords: 32 characters from [A-Za-z0-9], about 190 bits. Alphanumeric only, so a
 * password survives any config file, shell or tool (keytool reads a leading '-' as an option).
 */
public final class PasswordGenerator {
    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    public static final int LENGTH = 32;

    private final SecureRandom random;

    public PasswordGenerator(SecureRandom random) {
        this.random = random;
    }

    public char[] next() {
        char[] password = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            password[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return password;
    }
}
