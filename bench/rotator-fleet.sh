#!/usr/bin/env bash
# Benchmark of a scheduled rotation run (docs/benchmarks.md, "Scheduled rotation of a fleet"): the
# rotator's targets, slices and report driven as its state machine drives them, over 3 regions x 5
# accounts x 100 consumer functions (1,500) in the loopback fake AWS, 20 ms per call, Lambda's
# control-plane quotas enforced per account-region; then the same run killed at three points
# (each killed slice a child JVM, SIGKILLed) and resumed. Compiles
# bench/rotator-fleet/RotatorFleetBench.java once against the rotator's shaded jar and the fake-aws
# jar (so that the killed slices' child JVMs start on the compiled class), runs it once per
# configuration, and prints its RESULT lines.
#
# Usage: bench/rotator-fleet.sh [REGIONS:ACCOUNTS:FUNCTIONS:LATENCY_MS:MAX_CONCURRENCY:KILLS ...]
#   default: 3:5:100:20:10:none 3:5:100:20:10:published,half-moved,member
#   KILLS: none, or a comma-separated list of published, half-moved, member. MAX_CONCURRENCY is the
#   construct's Map maxConcurrency (default 10). SKIP_BUILD=1 uses the jars in rotator/target and
#   fake-aws/target as they are. Exits 1 if a run fails its consistency check or the quota answered 429.
set -euo pipefail
configs=("$@")
if [ "${#configs[@]}" -eq 0 ]; then
  configs=(3:5:100:20:10:none 3:5:100:20:10:published,half-moved,member)
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
javac="${JAVA_HOME:+$JAVA_HOME/bin/}javac"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # package, offline, the modules the jars need: nothing is installed into ~/.m2
  echo "building (mvn package of fake-aws, lambda-runtime, demo-function, cli and rotator) ..." >&2
  mvn -B -q -o -DskipTests package -pl fake-aws,lambda-runtime,demo-function,cli,rotator >&2
fi
fake_aws_jar="$(ls "$root"/fake-aws/target/mtls-fake-aws-*.jar | grep -v -e '-sources' -e '-javadoc' | head -1)"
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
cp="rotator/target/mtls-rotator.jar:$fake_aws_jar"
"$javac" -nowarn -d "$classes" -cp "$cp" bench/rotator-fleet/RotatorFleetBench.java
echo "$(nproc) CPUs, $("$java" -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
for config in "${configs[@]}"; do
  IFS=: read -r -a c <<<"$config"
  "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$cp:$classes" RotatorFleetBench "${c[@]}" | grep '^RESULT' || status=1
done
exit "$status"
