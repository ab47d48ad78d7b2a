package dev.mtlscli.fakeaws;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may call the fake: the long-term access key of each account, and the temporary
 * credentials STS AssumeRole hands out (with their session token and expiry). A request's
 * access key decides the account whose state it reads and changes.
 */
final class FakeIdentities {
    /** One identity: the key's secret, its account, and for temporary credentials the token and expiry. */
    record Identity(String accessKeyId, String secret, String account, String sessionToken, Instant expiration,
                    String principalArn) {
    }

    private final Map<String, Identity> byAccessKey = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    void addLongTerm(String accessKeyId, String secret, String account) {
        byAccessKey.put(accessKeyId, new Identity(accessKeyId, secret, account, null, null,
                "arn:aws:iam::" + account + ":user/fake-aws"));
    }

    Optional<Identity> find(String accessKeyId) {
        return Optional.ofNullable(byAccessKey.get(accessKeyId));
    }

    /** New temporary credentials acting in {@code account} as the assumed role. */
    Identity issueTemporary(String account, String assumedRoleArn, Instant expiration) {
        String accessKeyId = "ASIA" + HexFormat.of().withUpperCase().formatHex(bytes(8));
        Identity identity = new Identity(accessKeyId, HexFormat.of().formatHex(bytes(20)), account,
                HexFormat.of().formatHex(bytes(32)), expiration, assumedRoleArn);
        byAccessKey.put(accessKeyId, identity);
        return identity;
    }

    private byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }
}
