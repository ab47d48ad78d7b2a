package dev.mtlscli.fakeaws;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The state of the fake Parameter Store: parameters by name, each with its versions (1, 2, ...),
 * type, KMS key id, description and the tags given at creation, and the labels attached to its
 * versions. Tests seed it with {@link #put(String, String, boolean)} and
 * {@link #label(String, long, String...)}, and read it back with {@link #latest(String)},
 * {@link #version(String, long)} and {@link #labeled(String, String)}; the SSM operations go
 * through {@link #putParameter} and {@link #labelParameterVersion}.
 */
public final class FakeSsm {
    /** The KMS key SSM uses for a SecureString when none is named. */
    public static final String DEFAULT_KEY_ID = "alias/aws/ssm";

    /** One version of a parameter. {@code keyId} is null unless the type is SecureString. */
    public record ParameterVersion(String name, long version, String type, String value, String keyId,
                                   String description, Instant lastModified) {

        public boolean secure() {
            return "SecureString".equals(type);
        }

        /**
         * What AWS returns as the value of a SecureString read without decryption: its ciphertext.
         * The fake's stand-in is a Base64 string that does not contain the plaintext.
         */
        public String encryptedValue() {
            String blob = "fake-aws-kms-ciphertext|" + keyId + "|" + name + "|" + version;
            return Base64.getEncoder().encodeToString(blob.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * What LabelParameterVersion did: the version labeled, and the labels it refused because they
     * break the label rules (those are not attached, and the call still succeeds).
     */
    public record Labeled(long version, List<String> invalidLabels) {
        public Labeled {
            invalidLabels = List.copyOf(invalidLabels);
        }
    }

    /** A version of a parameter can carry at most this many labels. */
    public static final int MAX_LABELS_PER_VERSION = 10;
    /** Letters, digits, '.', '-', '_'; not starting with a digit. "aws" and "ssm" prefixes are checked apart. */
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_.\\-][a-zA-Z0-9_.\\-]*");

    /** The arguments of a PutParameter call. {@code type}, {@code keyId}, {@code description} may be null. */
    record Put(String name, String value, String type, String keyId, String description, boolean overwrite,
               Map<String, String> tags, String tier) {
        Put(String name, String value, String type, String keyId, String description, boolean overwrite, Map<String, String> tags) {
            this(name, value, type, keyId, description, overwrite, tags, null);
        }
    }

    public static final String STANDARD = "Standard";
    public static final String ADVANCED = "Advanced";

    private final String region;
    private final String accountId;
    private final Clock clock;
    private final Map<String, List<ParameterVersion>> parameters = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> tags = new HashMap<>();
    private final Map<String, String> tiers = new HashMap<>();
    /** Per parameter, each label and the version it is attached to: a label is on one version at most. */
    private final Map<String, Map<String, Long>> labels = new HashMap<>();

    FakeSsm(String region, String accountId, Clock clock) {
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
    }

    /**
     * Stores a value as a new version of the parameter (creating it at version 1), as PutParameter
     * with Overwrite=true would; a secure value is a SecureString under {@link #DEFAULT_KEY_ID}.
     *
     * @return the version stored
     */
    public long put(String name, String value, boolean secure) {
        try {
            return putParameter(new Put(name, value, secure ? "SecureString" : "String", null, null, true, Map.of()));
        } catch (AwsError e) {
            throw new IllegalArgumentException(e.type() + ": " + e.getMessage(), e);
        }
    }

    public synchronized Optional<ParameterVersion> latest(String name) {
        List<ParameterVersion> versions = parameters.get(name);
        return versions == null ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    public synchronized Optional<ParameterVersion> version(String name, long version) {
        List<ParameterVersion> versions = parameters.get(name);
        if (versions == null || version < 1 || version > versions.size()) {
            return Optional.empty();
        }
        return Optional.of(versions.get((int) (version - 1)));
    }

    /** All versions of the parameter, oldest first; empty when there is no such parameter. */
    public synchronized List<ParameterVersion> history(String name) {
        return List.copyOf(parameters.getOrDefault(name, List.of()));
    }

    /**
     * Attaches labels to a version, as LabelParameterVersion does.
     *
     * @return what was done; the labels that break the rules are in {@link Labeled#invalidLabels()}
     */
    public Labeled label(String name, long version, String... labels) {
        try {
            return labelParameterVersion(name, version, List.of(labels));
        } catch (AwsError e) {
            throw new IllegalArgumentException(e.type() + ": " + e.getMessage(), e);
        }
    }

    /** The labels on one version of the parameter, in the order they were attached. */
    public synchronized List<String> labels(String name, long version) {
        return labels.getOrDefault(name, Map.of()).entrySet().stream()
                .filter(e -> e.getValue() == version).map(Map.Entry::getKey).toList();
    }

    /** The version that carries the label, if any. */
    public synchronized Optional<ParameterVersion> labeled(String name, String label) {
        Long version = labels.getOrDefault(name, Map.of()).get(label);
        return version == null ? Optional.empty() : version(name, version);
    }

    /** The tags the parameter was created with. */
    public synchronized Map<String, String> tags(String name) {
        return Map.copyOf(tags.getOrDefault(name, Map.of()));
    }

    public synchronized boolean exists(String name) {
        return parameters.containsKey(name);
    }

    /** The parameter's ARN, as AWS forms it for a name with or without a leading slash. */
    public String arn(String name) {
        return "arn:aws:ssm:" + region + ":" + accountId + ":parameter" + (name.startsWith("/") ? "" : "/") + name;
    }

    /** The parameter's tier ({@link #STANDARD} or {@link #ADVANCED}); only an advanced parameter can be shared through RAM. */
    public synchronized String tier(String name) {
        return tiers.getOrDefault(name, STANDARD);
    }

    /** PutParameter's rules: a new version on Overwrite, ParameterAlreadyExists without it. */
    synchronized long putParameter(Put put) throws AwsError {
        SsmNames.check(put.name());
        List<ParameterVersion> versions = parameters.get(put.name());
        ParameterVersion previous = versions == null ? null : versions.get(versions.size() - 1);
        if (previous != null && !put.overwrite()) {
            throw AwsError.badRequest("ParameterAlreadyExists", "The parameter already exists. To overwrite this"
                    + " value, set the overwrite option in the request to true.");
        }
        if (previous != null && !put.tags().isEmpty()) {
            throw AwsError.validation("Invalid request: tags and overwrite can't be used together. To create a"
                    + " parameter with tags, please remove overwrite flag. To update tags for an existing parameter,"
                    + " please use AddTagsToResource or RemoveTagsFromResource.");
        }
        String type = put.type() != null ? put.type() : previous != null ? previous.type() : null;
        if (type == null) {
            throw AwsError.validation("A parameter type is required when you create a parameter.");
        }
        if (!List.of("String", "StringList", "SecureString").contains(type)) {
            throw AwsError.validation("1 validation error detected: Value '" + type + "' at 'type' failed to satisfy"
                    + " constraint: Member must satisfy enum value set: [SecureString, StringList, String]");
        }
        if (put.value() == null || put.value().isEmpty()) {
            throw AwsError.validation("1 validation error detected: Value at 'value' failed to satisfy constraint:"
                    + " Member must have length greater than or equal to 1");
        }
        String keyId = null;
        if ("SecureString".equals(type)) {
            keyId = put.keyId() != null ? put.keyId()
                    : previous != null && previous.secure() ? previous.keyId() : DEFAULT_KEY_ID;
        } else if (put.keyId() != null) {
            throw AwsError.validation("KeyId is required for SecureString type parameter only.");
        }
        String description = put.description() != null ? put.description()
                : previous != null ? previous.description() : null;
        String tier = tiers.getOrDefault(put.name(), STANDARD);
        if (put.tier() != null && !put.tier().equals("Intelligent-Tiering")) {
            if (!List.of(STANDARD, ADVANCED).contains(put.tier())) {
                throw AwsError.validation("1 validation error detected: Value '" + put.tier() + "' at 'tier' failed to satisfy"
                        + " constraint: Member must satisfy enum value set: [Standard, Advanced, Intelligent-Tiering]");
            }
            if (ADVANCED.equals(tier) && STANDARD.equals(put.tier())) {
                // as SSM does: an advanced parameter is never made standard again
                throw AwsError.validation("This parameter uses the advanced-parameter tier. You can't downgrade a parameter from"
                        + " the advanced-parameter tier to the standard-parameter tier.");
            }
            tier = put.tier();
        }
        long number = previous == null ? 1 : previous.version() + 1;
        ParameterVersion created = new ParameterVersion(put.name(), number, type, put.value(), keyId, description,
                clock.instant());
        parameters.computeIfAbsent(put.name(), k -> new ArrayList<>()).add(created);
        tiers.put(put.name(), tier);
        if (previous == null && !put.tags().isEmpty()) {
            tags.put(put.name(), Map.copyOf(put.tags()));
        }
        return number;
    }

    /**
     * LabelParameterVersion's rules: the latest version when {@code version} is null; a label that
     * is on another version of the parameter moves to this one; labels that break the naming rules
     * are returned, not attached; a version carries at most {@value #MAX_LABELS_PER_VERSION}.
     */
    synchronized Labeled labelParameterVersion(String name, Long version, List<String> requested) throws AwsError {
        List<ParameterVersion> versions = parameters.get(name);
        if (versions == null) {
            throw AwsError.badRequest("ParameterNotFound", "Parameter " + name + " not found.");
        }
        long target = version == null ? versions.size() : version;
        if (target < 1 || target > versions.size()) {
            throw AwsError.badRequest("ParameterVersionNotFound", "Systems Manager could not find version " + target
                    + " of " + name + ". Verify the version and try again.");
        }
        List<String> valid = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String label : requested) {
            if (validLabel(label)) {
                valid.add(label);
            } else {
                invalid.add(label);
            }
        }
        Set<String> after = new LinkedHashSet<>(labels(name, target));
        after.addAll(valid);
        if (after.size() > MAX_LABELS_PER_VERSION) {
            throw AwsError.badRequest("ParameterVersionLabelLimitExceeded", "A parameter version can have a maximum"
                    + " of " + MAX_LABELS_PER_VERSION + " labels. Move one or more labels to another version and try"
                    + " again.");
        }
        Map<String, Long> byLabel = labels.computeIfAbsent(name, k -> new LinkedHashMap<>());
        for (String label : valid) {
            byLabel.remove(label); // a moved label goes to the end of the target's list
            byLabel.put(label, target);
        }
        return new Labeled(target, invalid);
    }

    private static boolean validLabel(String label) {
        String lower = label.toLowerCase(Locale.ROOT);
        return LABEL.matcher(label).matches() && !lower.startsWith("aws") && !lower.startsWith("ssm");
    }

    /** Deletes the parameter with all its versions; false when there was none. */
    synchronized boolean delete(String name) {
        tags.remove(name);
        labels.remove(name);
        return parameters.remove(name) != null;
    }
}
