#!/usr/bin/env bash
# Benchmark of a fleet rotation (docs/benchmarks.md, "Rotation of a fleet"): 3 regions x 5
# accounts x 100 consumer functions (1,500) in the loopback fake AWS, Lambda's control-plane
# quotas enforced per account-region, 20 ms per call, every 20th call of each operation throttled
# (5%). Runs bench/rotate-fleet/FleetRotateBench.java on the
# shaded jar with the launcher's JVM flags, once per configuration, and prints its RESULT lines.
#
# Usage: bench/rotate-fleet.sh [REGIONS:ACCOUNTS:FUNCTIONS:CONCURRENCY:GLOBAL:LATENCY_MS:THROTTLE_EVERY:UNREACHABLE[:LAMBDA_RATE] ...]
#   default: 3:5:100:8:8:20:20:0 3:5:100:8:16:20:20:0 3:5:100:8:32:20:20:0 3:5:100:8:8:20:20:1
#   (the last with one member account whose role cannot be assumed). SKIP_BUILD=1 uses
#   cli/target/mtls-cli.jar as it is. LAMBDA_RATE is rotate's --lambda-rate (default the command's,
#   10). Exits 1 if a reachable function is left inconsistent or, with the limiter on, Lambda's
#   quota answered a call 429. The ideal is the larger of the latency bound and the quota bound
#   (the busiest account-region's calls over the limiter's rate).
set -euo pipefail
configs=("$@")
if [ "${#configs[@]}" -eq 0 ]; then
  configs=(3:5:100:8:8:20:20:0 3:5:100:8:16:20:20:0 3:5:100:8:32:20:20:0 3:5:100:8:8:20:20:1)
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # package, offline, the modules the jars need: nothing is installed into ~/.m2
  echo "building (mvn package of fake-aws, lambda-runtime, demo-function and cli) ..." >&2
  mvn -B -q -o -DskipTests package -pl fake-aws,lambda-runtime,demo-function,cli >&2
fi
# the loopback fake AWS is test support, not in the CLI jar: it comes from its own module's jar
fake_aws_jar="$(ls "$root"/fake-aws/target/mtls-fake-aws-*.jar | grep -v -e '-sources' -e '-javadoc' | head -1)"
echo "$(nproc) CPUs, $("$java" -version 2>&1 | head -1)"
status=0
for config in "${configs[@]}"; do
  IFS=: read -r -a c <<<"$config"
  "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "cli/target/mtls-cli.jar:$fake_aws_jar" bench/rotate-fleet/FleetRotateBench.java \
    "${c[@]}" | grep '^RESULT' || status=1
done
exit "$status"
