package dev.mtlscli.fakeaws;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The state of the fake AWS RAM of one account's region: resource shares with their resources and
 * principals. Only what sharing an SSM parameter needs: a resource must be a parameter of the
 * same account and region, and an advanced one, as Parameter Store requires for a share.
 */
public final class FakeRam {
    private final String region;
    private final String accountId;
    private final Clock clock;
    private final FakeSsm ssm;
    private final List<Share> shares = new ArrayList<>();

    /** A resource share as the tests read it. */
    public static final class Share {
        final String arn;
        final String name;
        final boolean allowExternalPrincipals;
        final Instant created;
        final Set<String> resources = new LinkedHashSet<>();
        final Set<String> principals = new LinkedHashSet<>();

        Share(String arn, String name, boolean allowExternalPrincipals, Instant created) {
            this.arn = arn;
            this.name = name;
            this.allowExternalPrincipals = allowExternalPrincipals;
            this.created = created;
        }

        public String arn() {
            return arn;
        }

        public String name() {
            return name;
        }

        public boolean allowExternalPrincipals() {
            return allowExternalPrincipals;
        }

        public synchronized List<String> resources() {
            return List.copyOf(resources);
        }

        public synchronized List<String> principals() {
            return List.copyOf(principals);
        }
    }

    FakeRam(String region, String accountId, Clock clock, FakeSsm ssm) {
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
        this.ssm = ssm;
    }

    public synchronized List<Share> shares() {
        return List.copyOf(shares);
    }

    String accountId() {
        return accountId;
    }

    Instant now() {
        return clock.instant();
    }

    synchronized Share create(String name, boolean allowExternal) {
        Share share = new Share("arn:aws:ram:" + region + ":" + accountId + ":resource-share/" + UUID.randomUUID(), name, allowExternal,
                clock.instant());
        shares.add(share);
        return share;
    }

    synchronized Share share(String arn) {
        return shares.stream().filter(s -> s.arn.equals(arn)).findFirst().orElse(null);
    }

    /** Refuses a resource that cannot be shared from here, with RAM's error. */
    void checkResource(String arn) throws AwsError {
        String prefix = "arn:aws:ssm:" + region + ":" + accountId + ":parameter";
        if (!arn.startsWith("arn:")) {
            throw AwsError.badRequest("MalformedArnException", "The format of ARN " + arn + " is not valid.");
        }
        if (!arn.startsWith(prefix + "/")) {
            throw AwsError.badRequest("UnknownResourceException", "ResourceArn " + arn + " could not be found.");
        }
        String name = arn.substring(prefix.length());
        if (!ssm.exists(name)) {
            throw AwsError.badRequest("UnknownResourceException", "ResourceArn " + arn + " could not be found.");
        }
        if (!FakeSsm.ADVANCED.equals(ssm.tier(name))) {
            throw AwsError.badRequest("InvalidParameterException", "Only parameters in the advanced tier can be shared: " + arn);
        }
    }

    /** Refuses a principal that is neither an account id nor an organization or OU ARN. */
    static void checkPrincipal(String principal) throws AwsError {
        if (!principal.matches("\\d{12}") && !principal.matches("arn:aws:organizations::\\d{12}:(organization/o-[a-z0-9]{10,32}|ou/o-[a-z0-9]{10,32}/ou-[a-z0-9-]+)")) {
            throw AwsError.badRequest("InvalidParameterException", "Principal " + principal + " is not valid.");
        }
    }
}
