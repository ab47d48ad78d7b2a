import dev.mtlscli.cmd.MtlsCli;
import dev.mtlscli.fakeaws.FakeAws;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark of `status --organization` over ACCOUNTS member accounts (docs/benchmarks.md, "Status
 * over many accounts"; bench/status-accounts.sh runs it), in the loopback fake AWS, one region.
 * Two runs of the same command: the first timed, the second measured: every 100 ms a full GC,
 * then the heap in use, i.e. what the run holds at that point. The largest of those, less the
 * heap in use before the run, divided by the accounts, is the heap kept per account read. Not a
 * test: it prints one RESULT line.
 *
 * <pre>
 * java -cp CLASSPATH bench/status-accounts/StatusAccountsBench.java ACCOUNTS
 * </pre>
 */
public class StatusAccountsBench {
    static final String ROLE = "mtls-status";
    static final String REGION = "eu-west-1";

    public static void main(String[] args) throws Exception {
        int accountCount = Integer.parseInt(args.length > 0 ? args[0] : "1000");
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true"); // see bench/rotate/RotateBench.java
        }
        System.setProperty("aws.accessKeyId", FakeAws.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", FakeAws.SECRET_ACCESS_KEY);
        List<String> members = new ArrayList<>();
        for (int i = 1; i <= accountCount; i++) {
            members.add(String.format(Locale.ROOT, "%012d", 300000000000L + i));
        }
        Path temp = Files.createTempDirectory("mtls-status-bench");
        try (FakeAws aws = FakeAws.startFleet(List.of(REGION), members)) {
            String endpoint = aws.endpoint().toString();
            members.forEach(account -> aws.iam().createRole(account, ROLE, FakeAws.ACCOUNT_ID));
            Path ws = temp.resolve("ws");
            quiet(() -> MtlsCli.run("certs", "create", "--out", ws.toString()));
            quiet(() -> MtlsCli.run("layer", "publish", "--workspace", ws.toString(), "--service", "service-1",
                    "--endpoint-url", endpoint, "--region", REGION, "--grant-org", FakeAws.ORGANIZATION_ID));
            String v1 = aws.lambda(REGION).layerVersions("mtls-service-1").get(0).layerVersionArn();
            // one consumer in every 10th account: what the view must keep grows with those, not with all
            for (int i = 0; i < members.size(); i += 10) {
                aws.lambda(members.get(i), REGION).createFunction("consumer", "java21", List.of(v1), Map.of());
            }
            String[] status = {"status", "--endpoint-url", endpoint, "--region", REGION, "--organization",
                    "--role-name", ROLE, "--output", "json"};

            long t0 = System.nanoTime();
            int exit = run(status, Writer.nullWriter());
            long wallMs = (System.nanoTime() - t0) / 1_000_000;

            aws.clearRequests();
            System.gc();
            long before = usedHeap();
            resetPeaks();
            LiveHeap live = new LiveHeap(aws);
            live.start();
            int measuredExit;
            try {
                measuredExit = run(status, Writer.nullWriter());
            } finally {
                live.interrupt();
                live.join();
            }
            long peak = peakHeap();
            double perAccount = (double) (live.max - before) / accountCount;
            System.out.printf(Locale.ROOT, "RESULT accounts=%d exit=%d/%d wall_ms=%d ms_per_account=%.1f heap_before=%.1fMB "
                            + "max_live=%.1fMB live_per_account_bytes=%.0f peak_heap=%.1fMB samples=%d%n",
                    accountCount, exit, measuredExit, wallMs, (double) wallMs / accountCount, before / 1e6,
                    live.max / 1e6, perAccount, peak / 1e6, live.samples);
        }
    }

    /** The largest heap in use after a full GC, sampled every 100 ms while the run goes on: what the run holds. */
    static final class LiveHeap extends Thread {
        private final FakeAws aws;
        volatile long max;
        volatile int samples;

        LiveHeap(FakeAws aws) {
            this.aws = aws;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                // the fake's record of every request is in the same heap: it is not the CLI's
                aws.clearRequests();
                System.gc();
                max = Math.max(max, usedHeap());
                samples++;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static int run(String[] args, Writer err) {
        CommandLine commandLine = MtlsCli.commandLine();
        commandLine.setOut(new PrintWriter(Writer.nullWriter()));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The sum of the heap pools' peaks: an upper bound of the heap in use at any one time. */
    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    }

    private static void quiet(java.util.function.IntSupplier command) {
        PrintStream out = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            command.getAsInt();
        } finally {
            System.setOut(out);
        }
    }
}
