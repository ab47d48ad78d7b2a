package dev.mtlscli.rotation;

import dev.mtlscli.aws.AwsClients;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rotation of one service over regions and accounts with one plan and one journal
 * ({@link FleetRotation}), as `mtls-cli rotate --regions/--accounts` runs it. The caller opens
 * the publishing account's clients (one per region) and holds the lease; this reaches each
 * member account through the role named, with clients it opens on first use and closes before
 * it returns.
 */
public final class FleetRotationService {

    /**
     * Where a fleet rotation acts.
     *
     * @param homeAccount    the publishing account, whose clients {@code regions} are
     * @param regions        one client set of the publishing account per region, the first one's region first
     * @param memberAccounts the other accounts whose functions move, never the publishing one
     * @param roleName       the role assumed in each member account (null when there is none)
     */
    public record Fleet(String homeAccount, List<AwsClients> regions, List<String> memberAccounts, String roleName) {
        public Fleet {
            regions = List.copyOf(regions);
            memberAccounts = List.copyOf(memberAccounts);
            if (regions.isEmpty()) {
                throw new IllegalArgumentException("a fleet has at least one region");
            }
        }
    }

    private final Path workspace;
    private final Fleet fleet;
    private final Clock clock;
    private final RotationListener listener;

    public FleetRotationService(Path workspace, Fleet fleet, Clock clock, RotationListener listener) {
        this.workspace = workspace;
        this.fleet = fleet;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Continues the unfinished fleet rotation of the journal, or plans one, and runs it: the
     * material once, the layer in every region, then the moves. An account-region that cannot be
     * done stops only itself: the outcome names it, and a run again resumes it.
     *
     * @param options canary per region and concurrency per account-region; a fleet rotation does not verify by invocation
     */
    public RotationOutcome rotate(RotationRequest request, MaterialSource material, RunOptions options, int globalConcurrency,
                                  String kmsKeyId) {
        if (options.verifyPayload() != null) {
            throw new IllegalArgumentException("a fleet rotation does not verify by invocation");
        }
        try (MemberClients members = new MemberClients()) {
            FleetRotation rotation = rotation(request.service(), request.layerName(), members);
            FleetRotation.Result result = rotation.run(request, material, kmsKeyId, options.canary(), options.concurrency(),
                    globalConcurrency);
            return new RotationOutcome.FleetDone(result, rotation.journalFile());
        }
    }

    /** Moves every function the newest fleet rotation moved back, each in its own account and region. */
    public RotationOutcome rollBack(String service, String layerName) {
        try (MemberClients members = new MemberClients()) {
            FleetRotation rotation = rotation(service, layerName, members);
            return new RotationOutcome.FleetRolledBack(rotation.rollBack(), rotation.journalFile());
        }
    }

    private FleetRotation rotation(String service, String layerName, MemberClients members) {
        List<FleetRotation.HomeRegion> homes = new ArrayList<>();
        for (AwsClients clients : byRegion().values()) {
            homes.add(new FleetRotation.HomeRegion(clients.region().id(), clients.lambda(), clients.ssm()));
        }
        return new FleetRotation(workspace, service, layerName, fleet.homeAccount(), homes, fleet.memberAccounts(),
                members::lambda, clock, listener::notice);
    }

    private Map<String, AwsClients> byRegion() {
        Map<String, AwsClients> byRegion = new LinkedHashMap<>();
        for (AwsClients clients : fleet.regions()) {
            byRegion.putIfAbsent(clients.region().id(), clients);
        }
        return byRegion;
    }

    /** The clients of the member accounts, one set per account-region, made from the region's own (and its guard). */
    private final class MemberClients implements AutoCloseable {
        private final Map<String, AwsClients> regions = byRegion();
        private final Map<String, AwsClients> opened = new ConcurrentHashMap<>();

        LambdaClient lambda(String account, String region) {
            return opened.computeIfAbsent(account + "/" + region,
                    key -> regions.get(region).inAccount(account, fleet.roleName())).lambda();
        }

        @Override
        public void close() {
            opened.values().forEach(AwsClients::close);
        }
    }
}
