#!/usr/bin/env bash
# Benchmark of `status --organization` over many accounts (docs/benchmarks.md, "Status over many
# accounts"): ACCOUNTS member accounts in the loopback fake AWS, one region, each reached through
# an assumed role, one consumer function in every 10th. Runs
# bench/status-accounts/StatusAccountsBench.java on the shaded jar with the launcher's JVM flags,
# once per count, and prints its RESULT lines: wall time, and the heap the run holds per account.
#
# Usage: bench/status-accounts.sh [ACCOUNTS ...]   (default: 250 1000)
#   SKIP_BUILD=1 uses cli/target/mtls-cli.jar and fake-aws/target as they are; HEAP=256m sets -Xmx.
set -euo pipefail
counts=("$@")
if [ "${#counts[@]}" -eq 0 ]; then
  counts=(250 1000)
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building (mvn package of fake-aws and cli) ..." >&2
  mvn -B -q -DskipTests package -pl fake-aws,cli -am >&2
fi
# the loopback fake AWS is test support, not in the CLI jar: it comes from its own module's jar
fake_aws_jar="$(ls "$root"/fake-aws/target/mtls-fake-aws-*.jar | grep -v -e '-sources' -e '-javadoc' | head -1)"
echo "$(nproc) CPUs, $("$java" -version 2>&1 | head -1)"
for count in "${counts[@]}"; do
  "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx"${HEAP:-512m}" -cp "cli/target/mtls-cli.jar:$fake_aws_jar" \
    bench/status-accounts/StatusAccountsBench.java "$count" | grep '^RESULT'
done
