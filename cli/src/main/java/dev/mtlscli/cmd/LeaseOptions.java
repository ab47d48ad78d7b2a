package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.lease.LeaseHolders;
import dev.mtlscli.lease.LeaseKeeper;
import dev.mtlscli.lease.LeaseScope;
import dev.mtlscli.lease.RotationLease;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --lease-table}: the DynamoDB table whose lease a rotation holds (docs/rotation.md, "Two rotations at once"). */
public final class LeaseOptions {
    /** A crashed run blocks the next one for at most this long. */
    static final Duration TTL = Duration.ofMinutes(5);
    private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");
    private static final Pattern TABLE_ARN = Pattern.compile("arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\\d{12}):table/([a-zA-Z0-9_.-]{3,255})");

    @Option(names = "--lease-table", paramLabel = "NAME|ARN", defaultValue = "${env:MTLS_LEASE_TABLE}",
            description = "Hold the rotation lease of each service in this DynamoDB table for the whole run (a table of the run's "
                    + "region, or its ARN; default: MTLS_LEASE_TABLE). Held elsewhere: exit 4, changing nothing.")
    String table;

    private LeaseKeeper keeper;

    /** A held lease and the clients of another region its table needed. */
    record Held(LeaseKeeper keeper, AwsClients tableClients) implements AutoCloseable {
        @Override
        public void close() {
            try {
                keeper.close();
            } finally {
                if (tableClients != null) {
                    tableClients.close();
                }
            }
        }
    }

    /**
     * Takes the lease of the layer in each region for the caller, and makes every change of
     * {@code runClients} confirm it first; null when no table is named.
     *
     * @param runClients the clients of the run's regions, not used for SSM, Lambda or ACM PCA yet
     */
    Held hold(List<AwsClients> runClients, AwsSettings settings, String layerName) {
        if (table == null || table.isBlank()) {
            return null;
        }
        AwsClients home = runClients.get(0);
        String tableRegion = tableRegion(table);
        AwsClients tableClients = tableRegion == null || tableRegion.equals(home.region().id()) ? null
                : AwsClients.connect(settings.withRegion(tableRegion));
        try {
            GetCallerIdentityResponse identity = home.sts().getCallerIdentity();
            List<LeaseScope> scopes = runClients.stream().map(c -> new LeaseScope(identity.account(), c.region().id(), layerName)).toList();
            RotationLease leases = new RotationLease((tableClients == null ? home : tableClients).dynamoDb(), table, Clock.systemUTC());
            LeaseKeeper keeper = LeaseKeeper.hold(leases, scopes, LeaseHolders.command(identity.arn()), TTL, Clock.systemUTC(),
                    TTL.dividedBy(3)).releaseOnShutdown();
            for (AwsClients clients : runClients) {
                clients.guardChanges(keeper::confirm);
            }
            this.keeper = keeper;
            return new Held(keeper, tableClients);
        } catch (RuntimeException e) {
            if (tableClients != null) {
                tableClients.close();
            }
            throw e;
        }
    }

    /**
     * What a run that failed reports: the lost lease, when a renewal was refused (the step that
     * failed was stopped by it, and the loss is the cause to act on), else its own failure.
     */
    RuntimeException lostInstead(RuntimeException failure) {
        RuntimeException lost = keeper == null ? null : keeper.lost();
        if (lost == null || lost == failure) {
            return failure;
        }
        lost.addSuppressed(failure);
        return lost;
    }

    /** The lease table opened to read and write other items than leases; {@code clients} is null when it is the run's region. */
    record Table(String name, AwsClients clients) implements AutoCloseable {
        software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb(AwsClients home) {
            return (clients == null ? home : clients).dynamoDb();
        }

        @Override
        public void close() {
            if (clients != null) {
                clients.close();
            }
        }
    }

    /** The table named, which a scheduled rotation's desired state goes into beside the leases. */
    Table open(AwsSettings settings, String what) {
        if (table == null || table.isBlank()) {
            throw new MtlsException(what + " needs --lease-table (or MTLS_LEASE_TABLE): the state table of the rotator, whose "
                    + "leases every rotation of the service takes");
        }
        return openTable(table, settings);
    }

    /**
     * The table named, whose items also hold each lease scope's rotation journal (as the scheduled
     * rotator keeps it); null when no table is named.
     */
    Table journalTable(AwsSettings settings) {
        return table == null || table.isBlank() ? null : openTable(table, settings);
    }

    /** A table named by name (in the settings' region) or by ARN (in its own region). */
    static Table openTable(String table, AwsSettings settings) {
        String region = tableRegion(table);
        return new Table(table, region == null ? null : AwsClients.connect(settings.withRegion(region)));
    }

    /** The region of a table named by ARN, null for a table named by name (the run's region). */
    private static String tableRegion(String table) {
        Matcher arn = TABLE_ARN.matcher(table);
        if (arn.matches()) {
            return arn.group(1);
        }
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new MtlsException("--lease-table must be a DynamoDB table name (3 to 255 of a-z A-Z 0-9 _ . -) or a table ARN");
        }
        return null;
    }
}
