package dev.mtlscli.infra.rotator;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.sns.ITopic;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link MtlsRotator} is built for: the services it rotates and everything its role may
 * touch, named one by one, because the role gets exactly these rights and nothing wider.
 * Build with {@link #builder()}; {@link Builder#build()} refuses an inconsistent set with an
 * IllegalArgumentException naming the setting.
 *
 * <p>The rotator acts in the stack's account, in {@link #regions()}; other accounts are reached
 * through {@link #memberRoleArns()} (sts:AssumeRole), whose own policies are the member
 * accounts' business.
 */
public final class MtlsRotatorProps {
    /** The jar the rotator module builds, relative to the CDK app's working directory. */
    public static final String DEFAULT_JAR = "rotator/target/mtls-rotator.jar";
    public static final String DEFAULT_SCHEDULE = "rate(12 hours)";
    public static final String DEFAULT_PARAMETER_PREFIX = "/mtls";
    public static final String DEFAULT_METRICS_NAMESPACE = "mtls-cli";
    public static final String DEFAULT_EVENT_BUS = "default";
    public static final int DEFAULT_EXPIRY_ALARM_DAYS = 14;
    public static final int DEFAULT_MAX_CONCURRENCY = 10;
    /** An inline Map runs at most 40 iterations at once, whatever MaxConcurrency says. */
    static final int MAX_INLINE_CONCURRENCY = 40;

    private static final Pattern SERVICE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");
    private static final Pattern LAYER_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,140}");
    private static final Pattern FUNCTION_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Pattern PARAMETER_PREFIX = Pattern.compile("(/[a-zA-Z0-9_.\\-]+)+");
    private static final Pattern KMS_KEY_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+");
    private static final Pattern PRIVATE_CA_ARN = Pattern.compile(
            "arn:aws[a-zA-Z-]*:acm-pca:[a-z0-9-]+:[0-9]{12}:certificate-authority/[a-zA-Z0-9-]+");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:iam::[0-9]{12}:role/[a-zA-Z0-9+=,.@_/-]+");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]");
    private static final Pattern EVENT_BUS = Pattern.compile("[a-zA-Z0-9._-]{1,256}");
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,128}");
    private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)");

    private final Code code;
    private final List<String> services;
    private final List<String> layerNames;
    private final String parameterPrefix;
    private final List<String> consumerFunctionNames;
    private final String consumerTagKey;
    private final String consumerTagValue;
    private final List<String> kmsCaKeyArns;
    private final List<String> privateCaArns;
    private final List<String> memberRoleArns;
    private final List<String> regions;
    private final String eventBusName;
    private final String parameterKmsKeyArn;
    private final String metricsNamespace;
    private final String schedule;
    private final Duration schedulePeriod;
    private final Duration flexibleWindow;
    private final boolean enabled;
    private final int maxConcurrency;
    private final int expiryAlarmDays;
    private final ITopic alarmTopic;

    private MtlsRotatorProps(Builder b) {
        this.code = b.code;
        this.services = List.copyOf(b.services);
        this.layerNames = b.layerNames != null ? List.copyOf(b.layerNames)
                : services.stream().map(service -> "mtls-" + service).toList();
        this.parameterPrefix = b.parameterPrefix;
        this.consumerFunctionNames = List.copyOf(b.consumerFunctionNames);
        this.consumerTagKey = b.consumerTagKey;
        this.consumerTagValue = b.consumerTagValue;
        this.kmsCaKeyArns = List.copyOf(b.kmsCaKeyArns);
        this.privateCaArns = List.copyOf(b.privateCaArns);
        this.memberRoleArns = List.copyOf(b.memberRoleArns);
        this.regions = List.copyOf(b.regions);
        this.eventBusName = b.eventBusName;
        this.parameterKmsKeyArn = b.parameterKmsKeyArn;
        this.metricsNamespace = b.metricsNamespace;
        this.schedule = b.schedule;
        this.schedulePeriod = b.schedulePeriod != null ? b.schedulePeriod : ratePeriod(b.schedule);
        this.flexibleWindow = b.flexibleWindow;
        this.enabled = b.enabled;
        this.maxConcurrency = b.maxConcurrency;
        this.expiryAlarmDays = b.expiryAlarmDays;
        this.alarmTopic = b.alarmTopic;
        validate();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The rotator's code; null: {@link #DEFAULT_JAR}. */
    public Code code() {
        return code;
    }

    /** The services rotated: the Service dimension of the expiry alarms. */
    public List<String> services() {
        return services;
    }

    /** The layers the rotator publishes and prunes; default mtls-SERVICE for each service, as `layer publish` names them. */
    public List<String> layerNames() {
        return layerNames;
    }

    /** Where the store passwords and release parameters live: the role may write PREFIX/* and nothing else in SSM. */
    public String parameterPrefix() {
        return parameterPrefix;
    }

    public List<String> consumerFunctionNames() {
        return consumerFunctionNames;
    }

    /** The tag that marks consumer functions (with {@link #consumerTagValue()}), or null. */
    public String consumerTagKey() {
        return consumerTagKey;
    }

    public String consumerTagValue() {
        return consumerTagValue;
    }

    public List<String> kmsCaKeyArns() {
        return kmsCaKeyArns;
    }

    public List<String> privateCaArns() {
        return privateCaArns;
    }

    public List<String> memberRoleArns() {
        return memberRoleArns;
    }

    /** The regions of the stack's account the rotator acts in; empty: the stack's own region. */
    public List<String> regions() {
        return regions;
    }

    public String eventBusName() {
        return eventBusName;
    }

    /** The customer KMS key of the SecureString parameters, or null for the account's aws/ssm key. */
    public String parameterKmsKeyArn() {
        return parameterKmsKeyArn;
    }

    public String metricsNamespace() {
        return metricsNamespace;
    }

    /** The EventBridge Scheduler expression: rate(...) or cron(...). */
    public String schedule() {
        return schedule;
    }

    /** The time between two scheduled runs: the heartbeat alarm waits two of them. */
    public Duration schedulePeriod() {
        return schedulePeriod;
    }

    /** How far Scheduler may move a run, so that many rotators do not start in the same minute. */
    public Duration flexibleWindow() {
        return flexibleWindow;
    }

    /** false: the schedule is created DISABLED (paused); nothing else changes. */
    public boolean enabled() {
        return enabled;
    }

    /** How many account-regions one run rotates at once. */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** The expiry alarms fire when a certificate has this many days left, or fewer. */
    public int expiryAlarmDays() {
        return expiryAlarmDays;
    }

    /** Where the alarms notify (alarm and back to OK), or null for no action. */
    public ITopic alarmTopic() {
        return alarmTopic;
    }

    /** The window the heartbeat and expiry alarms look at: two schedule periods, so that a healthy rotator always reported in it. */
    public Duration alarmWindow() {
        return Duration.seconds(schedulePeriod.toSeconds().longValue() * 2);
    }

    private void validate() {
        if (services.isEmpty()) {
            throw new IllegalArgumentException("services names no service");
        }
        services.forEach(s -> check("services", s, SERVICE));
        if (layerNames.isEmpty()) {
            throw new IllegalArgumentException("layerNames names no layer");
        }
        layerNames.forEach(l -> check("layerNames", l, LAYER_NAME));
        check("parameterPrefix", parameterPrefix, PARAMETER_PREFIX);
        consumerFunctionNames.forEach(f -> check("consumerFunctionNames", f, FUNCTION_NAME));
        if ((consumerTagKey == null) != (consumerTagValue == null)) {
            throw new IllegalArgumentException("consumerFunctionTag needs both a key and a value");
        }
        if (consumerTagKey != null) {
            check("consumerFunctionTag", consumerTagKey, TAG);
            check("consumerFunctionTag", consumerTagValue, TAG);
        }
        if (kmsCaKeyArns.isEmpty() && privateCaArns.isEmpty()) {
            // the workspace's local CA key is a file on a laptop: the rotator has nothing to sign with
            throw new IllegalArgumentException("kmsCaKeyArns or privateCaArns: the rotator needs a CA in AWS "
                    + "(a KMS CA from certs create --ca aws-kms, or an ACM Private CA); a local CA key cannot be used by a scheduled rotation");
        }
        kmsCaKeyArns.forEach(k -> check("kmsCaKeyArns", k, KMS_KEY_ARN,
                " (a key ARN, not an alias: an IAM statement on an alias does not allow using the key)"));
        privateCaArns.forEach(a -> check("privateCaArns", a, PRIVATE_CA_ARN, ""));
        memberRoleArns.forEach(r -> check("memberRoleArns", r, ROLE_ARN, ""));
        regions.forEach(r -> check("regions", r, REGION));
        check("eventBusName", eventBusName, EVENT_BUS);
        if (parameterKmsKeyArn != null) {
            check("parameterKmsKeyArn", parameterKmsKeyArn, KMS_KEY_ARN, " (a key ARN, not an alias)");
        }
        if (metricsNamespace == null || metricsNamespace.isBlank() || metricsNamespace.startsWith("AWS/")) {
            throw new IllegalArgumentException("metricsNamespace must be a custom namespace (not AWS/...): " + metricsNamespace);
        }
        if (schedulePeriod == null) {
            throw new IllegalArgumentException("schedulePeriod is required with a cron schedule (" + schedule
                    + "): the heartbeat alarm waits two periods");
        }
        long period = schedulePeriod.toSeconds().longValue();
        // CloudWatch evaluates one alarm window of at most 7 days
        if (period < 3600 || period > 302_400) {
            throw new IllegalArgumentException("schedulePeriod must be between 1 hour and 3.5 days (the alarms look at two periods, "
                    + "CloudWatch at most 7 days): " + schedulePeriod.toHumanString());
        }
        if (flexibleWindow != null && (flexibleWindow.toMinutes().longValue() < 1
                || flexibleWindow.toSeconds().longValue() >= period || flexibleWindow.toMinutes().longValue() > 1440)) {
            throw new IllegalArgumentException("flexibleWindow must be between 1 minute and 24 hours, and shorter than the schedule period: "
                    + flexibleWindow.toHumanString());
        }
        if (maxConcurrency < 1 || maxConcurrency > MAX_INLINE_CONCURRENCY) {
            throw new IllegalArgumentException("maxConcurrency must be between 1 and " + MAX_INLINE_CONCURRENCY + ": " + maxConcurrency);
        }
        if (expiryAlarmDays < 1) {
            throw new IllegalArgumentException("expiryAlarmDays must be at least 1: " + expiryAlarmDays);
        }
    }

    /** The period of rate(N unit), or null for any other expression (cron, at). */
    static Duration ratePeriod(String expression) {
        Matcher rate = RATE.matcher(expression);
        if (!rate.matches()) {
            return null;
        }
        long n = Long.parseLong(rate.group(1));
        return switch (rate.group(2)) {
            case "minute", "minutes" -> Duration.minutes(n);
            case "hour", "hours" -> Duration.hours(n);
            default -> Duration.days(n);
        };
    }

    private static void check(String key, String value, Pattern pattern) {
        check(key, value, pattern, "");
    }

    private static void check(String key, String value, Pattern pattern, String hint) {
        // a token (a function name from the same app, say) is known only at deploy time
        if (value != null && Token.isUnresolved(value)) {
            return;
        }
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(key + ": not valid: " + value + hint);
        }
    }

    /** Builds {@link MtlsRotatorProps}; services and a CA are required, the rest has defaults. */
    public static final class Builder {
        private Code code;
        private final List<String> services = new ArrayList<>();
        private List<String> layerNames;
        private String parameterPrefix = DEFAULT_PARAMETER_PREFIX;
        private final List<String> consumerFunctionNames = new ArrayList<>();
        private String consumerTagKey;
        private String consumerTagValue;
        private final List<String> kmsCaKeyArns = new ArrayList<>();
        private final List<String> privateCaArns = new ArrayList<>();
        private final List<String> memberRoleArns = new ArrayList<>();
        private final List<String> regions = new ArrayList<>();
        private String eventBusName = DEFAULT_EVENT_BUS;
        private String parameterKmsKeyArn;
        private String metricsNamespace = DEFAULT_METRICS_NAMESPACE;
        private String schedule = DEFAULT_SCHEDULE;
        private Duration schedulePeriod;
        private Duration flexibleWindow = Duration.minutes(30);
        private boolean enabled = true;
        private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
        private int expiryAlarmDays = DEFAULT_EXPIRY_ALARM_DAYS;
        private ITopic alarmTopic;

        private Builder() {
        }

        /** The rotator's code (tests give a stand-in); default: Code.fromAsset of {@link #DEFAULT_JAR}. */
        public Builder code(Code code) {
            this.code = code;
            return this;
        }

        public Builder services(List<String> services) {
            this.services.addAll(Objects.requireNonNull(services, "services"));
            return this;
        }

        public Builder layerNames(List<String> layerNames) {
            this.layerNames = List.copyOf(layerNames);
            return this;
        }

        public Builder parameterPrefix(String parameterPrefix) {
            this.parameterPrefix = parameterPrefix;
            return this;
        }

        /** Consumer functions by name (of the stack's account, in each of the regions). */
        public Builder consumerFunctionNames(List<String> names) {
            this.consumerFunctionNames.addAll(names);
            return this;
        }

        /** Consumer functions by tag: every function tagged KEY=VALUE (IAM checks aws:ResourceTag). */
        public Builder consumerFunctionTag(String key, String value) {
            this.consumerTagKey = key;
            this.consumerTagValue = value;
            return this;
        }

        /** The KMS CA keys (key ARNs, one per service's CA, as the workspace records them in ca/SERVICE/kms-key-arn). */
        public Builder kmsCaKeyArns(List<String> arns) {
            this.kmsCaKeyArns.addAll(arns);
            return this;
        }

        public Builder privateCaArns(List<String> arns) {
            this.privateCaArns.addAll(arns);
            return this;
        }

        /** The roles in member accounts that the rotator assumes, as the fleet commands do. */
        public Builder memberRoleArns(List<String> arns) {
            this.memberRoleArns.addAll(arns);
            return this;
        }

        public Builder regions(List<String> regions) {
            this.regions.addAll(regions);
            return this;
        }

        public Builder eventBusName(String eventBusName) {
            this.eventBusName = eventBusName;
            return this;
        }

        public Builder parameterKmsKeyArn(String arn) {
            this.parameterKmsKeyArn = arn;
            return this;
        }

        public Builder metricsNamespace(String namespace) {
            this.metricsNamespace = namespace;
            return this;
        }

        /** A Scheduler expression; a cron(...) also needs {@link #schedulePeriod(Duration)}. */
        public Builder schedule(String expression) {
            this.schedule = Objects.requireNonNull(expression, "schedule");
            return this;
        }

        public Builder schedulePeriod(Duration period) {
            this.schedulePeriod = period;
            return this;
        }

        /** null: no flexible window (every run at the exact time). */
        public Builder flexibleWindow(Duration window) {
            this.flexibleWindow = window;
            return this;
        }

        /** false pauses the rotator: the schedule is deployed DISABLED. */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        public Builder expiryAlarmDays(int days) {
            this.expiryAlarmDays = days;
            return this;
        }

        public Builder alarmTopic(ITopic topic) {
            this.alarmTopic = topic;
            return this;
        }

        public MtlsRotatorProps build() {
            return new MtlsRotatorProps(this);
        }
    }
}
