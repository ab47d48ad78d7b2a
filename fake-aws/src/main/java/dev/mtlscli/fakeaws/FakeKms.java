package dev.mtlscli.fakeaws;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The state of the fake AWS KMS of one account's region: keys with real key pairs, their
 * aliases, policies, tags and states, and what was signed with them. The wire operations are in
 * {@link KmsService}; tests seed keys with {@link #createKey}, change them with {@link #disable},
 * {@link #scheduleDeletion} and {@link #putKeyPolicy}, and read them back with {@link #keys()} and
 * {@link #signCount}.
 *
 * <p>A key scheduled for deletion is deleted, with its aliases, once the fake's clock passes its
 * deletion date.
 */
public final class FakeKms {
    /** The one key policy name KMS has. */
    public static final String POLICY_NAME = "default";

    /**
     * A key as a test sees it.
     *
     * @param keyId        the key id (a UUID)
     * @param arn          {@code arn:aws:kms:REGION:ACCOUNT:key/ID}
     * @param keySpec      e.g. {@code ECC_NIST_P256}
     * @param keyUsage     e.g. {@code SIGN_VERIFY}
     * @param state        {@code Enabled}, {@code Disabled} or {@code PendingDeletion}
     * @param description  as created, empty when none
     * @param policy       the key policy document
     * @param tags         tag key to value, in the order set
     * @param aliases      the alias names ({@code alias/...}) that point at it
     * @param creationDate when it was created
     * @param deletionDate when it will be deleted, or null
     * @param publicKey    the public key of an asymmetric key, else null
     */
    public record Key(String keyId, String arn, String keySpec, String keyUsage, String state, String description,
                      String policy, Map<String, String> tags, List<String> aliases, Instant creationDate,
                      Instant deletionDate, PublicKey publicKey) {
        public Key {
            tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
            aliases = List.copyOf(aliases);
        }
    }

    /** An alias: its name ({@code alias/...}), the key it points at, and when it was made and last pointed. */
    record Alias(String name, String arn, String targetKeyId, Instant creationDate, Instant lastUpdatedDate) {
    }

    private final String region;
    private final String accountId;
    private final Clock clock;
    private final Map<String, KmsKey> keys = new LinkedHashMap<>();
    private final Map<String, Alias> aliases = new LinkedHashMap<>();
    private volatile Function<String, FakeKms> otherAccounts = account -> null;
    private volatile boolean tamperSignatures;

    FakeKms(String region, String accountId, Clock clock) {
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
    }

    public String region() {
        return region;
    }

    public String accountId() {
        return accountId;
    }

    /** The policy KMS gives a key created without one: the account root may do everything. */
    public static String defaultKeyPolicy(String account) {
        return KmsKeyPolicy.defaultText(account);
    }

    /** Every key of this account's region, in the order created (deleted keys are gone). */
    public synchronized List<Key> keys() {
        purgeDeleted();
        return keys.values().stream().map(this::view).toList();
    }

    /** The key a KeyId names: key id, key ARN, alias name or alias ARN. */
    public synchronized Key key(String keyId) {
        return view(existing(keyId));
    }

    /** Creates a key outside the CLI, with the default key policy, as a test's precondition. */
    public Key createKey(String keySpec, String keyUsage) {
        return createKey(keySpec, keyUsage, defaultKeyPolicy(accountId));
    }

    /** Creates a key with this key policy (not checked for lockout, as with BypassPolicyLockoutSafetyCheck). */
    public Key createKey(String keySpec, String keyUsage, String policy) {
        KmsKeySpec spec = KmsKeySpec.byName(keySpec);
        if (spec == null || !spec.allows(keyUsage)) {
            throw new IllegalArgumentException("fake-aws KMS makes no " + keySpec + " key for " + keyUsage);
        }
        try {
            KmsKey key = create(newKeyId(), spec, keyUsage, "", KmsKeyPolicy.parse(policy), Map.of());
            synchronized (this) {
                return view(key);
            }
        } catch (AwsError e) {
            throw new IllegalArgumentException("not a key policy: " + e.getMessage(), e);
        }
    }

    /** Points a new alias ({@code alias/NAME}) at a key. */
    public synchronized void createAlias(String aliasName, String keyId) {
        try {
            createAlias(aliasName, existing(keyId));
        } catch (AwsError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Replaces a key's policy. */
    public synchronized void putKeyPolicy(String keyId, String policy) {
        try {
            existing(keyId).policy = KmsKeyPolicy.parse(policy);
        } catch (AwsError e) {
            throw new IllegalArgumentException("not a key policy: " + e.getMessage(), e);
        }
    }

    /** Disables a key, as DisableKey does. */
    public synchronized void disable(String keyId) {
        existing(keyId).state = KmsKey.DISABLED;
    }

    /** Enables a disabled key, as EnableKey does. */
    public synchronized void enable(String keyId) {
        existing(keyId).state = KmsKey.ENABLED;
    }

    /** Schedules a key's deletion in this many days, as ScheduleKeyDeletion does. */
    public synchronized void scheduleDeletion(String keyId, int pendingWindowInDays) {
        if (pendingWindowInDays < KmsLifecycleOperations.MIN_PENDING_WINDOW_DAYS
                || pendingWindowInDays > KmsLifecycleOperations.MAX_PENDING_WINDOW_DAYS) {
            throw new IllegalArgumentException("KMS waits 7 to 30 days before deleting a key, not " + pendingWindowInDays);
        }
        scheduleDeletion(existing(keyId), pendingWindowInDays);
    }

    /** How many Sign calls the key has answered (refused calls do not count). */
    public synchronized int signCount(String keyId) {
        return existing(keyId).signCount;
    }

    /**
     * From now on (while true) Sign answers a well-formed signature by the key over other bytes
     * than it was given: what a client that checks every signature against the public key must
     * catch. A real KMS never does this.
     */
    public void tamperSignatures(boolean tamper) {
        this.tamperSignatures = tamper;
    }

    /** The KMS of another account in this region, for ARNs naming a key of that account. */
    void otherAccounts(Function<String, FakeKms> lookup) {
        this.otherAccounts = lookup;
    }

    Clock clock() {
        return clock;
    }

    String newKeyId() {
        return UUID.randomUUID().toString();
    }

    String keyArn(String keyId) {
        return "arn:aws:kms:" + region + ":" + accountId + ":key/" + keyId;
    }

    String aliasArn(String aliasName) {
        return "arn:aws:kms:" + region + ":" + accountId + ":" + aliasName;
    }

    /** The KMS that holds what {@code ref} names: this one, or another account's in this region. */
    FakeKms owner(KmsKeyRef ref) {
        if (ref.account().equals(accountId) || !ref.region().equals(region)) {
            return this;
        }
        FakeKms other = otherAccounts.apply(ref.account());
        return other == null ? this : other;
    }

    /** Creates a key; the key pair is generated outside the lock, since RSA 4096 takes a while. */
    KmsKey create(String keyId, KmsKeySpec spec, String usage, String description, KmsKeyPolicy policy,
                  Map<String, String> tags) {
        KmsKey key = new KmsKey(keyId, keyArn(keyId), accountId, spec, usage, spec.generate(), clock.instant(),
                description, policy);
        key.tags.putAll(tags);
        synchronized (this) {
            keys.put(keyId, key);
        }
        return key;
    }

    /** The key {@code ref} names in this KMS; NotFoundException as KMS words it otherwise. */
    synchronized KmsKey find(KmsKeyRef ref) throws AwsError {
        purgeDeleted();
        if (!ref.region().equals(region)) {
            // what KMS answers for a key ARN of another region than the endpoint's
            throw KmsErrors.notFound("Invalid arn " + ref.region());
        }
        boolean here = ref.account().equals(accountId);
        if (ref.alias()) {
            Alias alias = here ? aliases.get(ref.name()) : null;
            if (alias == null) {
                throw KmsErrors.notFound("Alias " + ref.arn() + " is not found.");
            }
            return keys.get(alias.targetKeyId());
        }
        KmsKey key = here ? keys.get(ref.name()) : null;
        if (key == null) {
            throw KmsErrors.keyNotFound(ref.arn());
        }
        return key;
    }

    /** Refuses a call the key's policy does not allow to the caller, naming the action as KMS does. */
    void authorize(KmsKey key, String action, KmsCaller caller) throws AwsError {
        KmsKeyPolicy.Decision decision = key.policy.decide(action, caller, key.arn);
        if (decision != KmsKeyPolicy.Decision.ALLOW) {
            throw KmsErrors.accessDenied(caller, action, key.arn, decision == KmsKeyPolicy.Decision.EXPLICIT_DENY);
        }
    }

    synchronized void createAlias(String aliasName, KmsKey key) throws AwsError {
        purgeDeleted();
        if (aliases.containsKey(aliasName)) {
            throw KmsErrors.alreadyExists("An alias with the name " + aliasArn(aliasName) + " already exists");
        }
        Instant now = clock.instant();
        aliases.put(aliasName, new Alias(aliasName, aliasArn(aliasName), key.keyId, now, now));
    }

    /** The alias of this name, or NotFoundException as KMS words it. */
    synchronized Alias alias(String aliasName) throws AwsError {
        purgeDeleted();
        Alias alias = aliases.get(aliasName);
        if (alias == null) {
            throw KmsErrors.notFound("Alias " + aliasArn(aliasName) + " is not found.");
        }
        return alias;
    }

    /** Points an existing alias at another key. */
    synchronized void updateAlias(Alias alias, KmsKey key) {
        aliases.put(alias.name(), new Alias(alias.name(), alias.arn(), key.keyId, alias.creationDate(), clock.instant()));
    }

    synchronized void deleteAlias(Alias alias) {
        aliases.remove(alias.name());
    }

    /** The key an alias points at. */
    synchronized KmsKey target(Alias alias) {
        return keys.get(alias.targetKeyId());
    }

    /** Every key, in the order created. */
    synchronized List<KmsKey> allKeys() {
        purgeDeleted();
        return List.copyOf(keys.values());
    }

    /** The aliases, in the order created; only those of one key when {@code key} is not null. */
    synchronized List<Alias> aliases(KmsKey key) {
        purgeDeleted();
        return aliases.values().stream().filter(a -> key == null || a.targetKeyId().equals(key.keyId)).toList();
    }

    synchronized void scheduleDeletion(KmsKey key, int pendingWindowInDays) {
        key.state = KmsKey.PENDING_DELETION;
        key.pendingWindowInDays = pendingWindowInDays;
        key.deletionDate = clock.instant().plus(Duration.ofDays(pendingWindowInDays));
    }

    /** Signs a digest with the key, or, while tampering, a digest of other bytes; counts the call. */
    synchronized byte[] sign(KmsKey key, KmsSigningAlgorithm algorithm, byte[] digest) {
        key.signCount++;
        byte[] signed = digest;
        if (tamperSignatures) {
            signed = algorithm.digest(("fake-aws tampered " + HexFormat.of().formatHex(digest))
                    .getBytes(StandardCharsets.US_ASCII));
        }
        return algorithm.sign(key.keyPair.getPrivate(), signed);
    }

    private KmsKey existing(String keyId) {
        try {
            return find(KmsKeyRef.parse(keyId, accountId, region));
        } catch (AwsError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private void purgeDeleted() {
        Instant now = clock.instant();
        List<String> deleted = new ArrayList<>();
        keys.values().stream().filter(k -> k.deletionDate != null && !now.isBefore(k.deletionDate))
                .forEach(k -> deleted.add(k.keyId));
        deleted.forEach(keys::remove);
        aliases.values().removeIf(alias -> deleted.contains(alias.targetKeyId()));
    }

    private Key view(KmsKey key) {
        List<String> names = aliases.values().stream().filter(a -> a.targetKeyId().equals(key.keyId))
                .map(Alias::name).toList();
        return new Key(key.keyId, key.arn, key.spec.name(), key.usage, key.state, key.description,
                key.policy.text(), new LinkedHashMap<>(key.tags), names, key.creationDate, key.deletionDate,
                key.keyPair == null ? null : key.keyPair.getPublic());
    }
}
