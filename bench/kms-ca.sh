#!/usr/bin/env bash
# Benchmark of `certs create --ca aws-kms` against the local CA (docs/benchmarks.md, "A CA in AWS
# KMS"): the same spec of COUNT services created both ways in the same run, interleaved, the KMS
# side against the loopback fake AWS with LATENCY_MS added to every KMS call. Runs
# bench/kms-ca/KmsCaBench.java in-process on the shaded jar with the launcher's JVM flags and
# prints its RESULT lines, then a table of medians: wall and CPU time of each side (the CPU time
# of the whole JVM, the fake's included), and the KMS calls per service and per certificate (a
# root, a server and a client certificate per service) from the fake's record of the requests.
# Not a test: it prints figures, and exits 1 if a run failed.
#
# Usage: bench/kms-ca.sh [RUNS] [COUNT ...]     (default RUNS=3, COUNT 2 50)
#   LATENCY_MS=20 (default) sets the latency per KMS call; SKIP_BUILD=1 uses cli/target/mtls-cli.jar
#   and fake-aws/target as they are instead of building them first.
set -euo pipefail
runs="${1:-3}"
shift || true
counts=("$@")
if [ "${#counts[@]}" -eq 0 ]; then
  counts=(2 50)
fi
latency="${LATENCY_MS:-20}"
for n in "$runs" "$latency" "${counts[@]}"; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "usage: bench/kms-ca.sh [RUNS] [COUNT ...] (whole numbers; got '$n')" >&2; exit 2; }
done
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building (mvn package of fake-aws and cli) ..." >&2
  mvn -B -q -DskipTests package -pl fake-aws,cli -am >&2
fi
# the loopback fake AWS is test support, not in the CLI jar: it comes from its own module's jar
fake_aws_jar="$(ls "$root"/fake-aws/target/mtls-fake-aws-*.jar | grep -v -e '-sources' -e '-javadoc' | head -1)"
work="$(mktemp -d "${TMPDIR:-/tmp}/mtls-kms-ca-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "$(nproc) CPUs, $("$java" -version 2>&1 | head -1), load average at start $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
echo "$runs run(s) per side and count, interleaved, after one warm-up of each side; ${latency} ms per KMS call"
status=0
"$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "cli/target/mtls-cli.jar:$fake_aws_jar" \
  bench/kms-ca/KmsCaBench.java "$runs" "$latency" "${counts[@]}" >"$work/out.txt" || status=$?
grep '^RESULT' "$work/out.txt" || true

# field NAME < RESULT line
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
median() { grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minmax() { grep . | sort -g | awk 'NR == 1 { min = $1 } { max = $1 } END { print (NR ? min "–" max : "n/a") }'; }
values() { grep "^RESULT side=$1 services=$2 " "$work/out.txt" | field "$3"; }

echo
echo "| services | local CA wall ms (median, min–max) | KMS CA wall ms (median, min–max) | KMS − local ms | CPU ms local / KMS | KMS calls | per service | per certificate | Sign per certificate | calls × latency ms |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for count in "${counts[@]}"; do
  local_med=$(values local "$count" wall_ms | median)
  kms_med=$(values kms "$count" wall_ms | median)
  diff=$(awk -v a="$local_med" -v b="$kms_med" 'BEGIN { if (a == "n/a" || b == "n/a") print "n/a"; else printf "%.0f", b - a }')
  printf '| %s | %s (%s) | %s (%s) | %s | %s / %s | %s | %s | %s | %s | %s |\n' "$count" \
    "$local_med" "$(values local "$count" wall_ms | minmax)" "$kms_med" "$(values kms "$count" wall_ms | minmax)" "$diff" \
    "$(values local "$count" cpu_ms | median)" "$(values kms "$count" cpu_ms | median)" \
    "$(values kms "$count" kms_calls | median)" "$(values kms "$count" kms_per_service | median)" \
    "$(values kms "$count" kms_per_certificate | median)" "$(values kms "$count" sign_per_certificate | median)" \
    "$(values kms "$count" serial_latency_ms | median)"
done
echo
echo "KMS calls by operation (last run of each count):"
for count in "${counts[@]}"; do
  echo "  $count services: $(grep "^RESULT side=kms services=$count " "$work/out.txt" | tail -1 | field by_operation)"
done
if grep -q '^RESULT .* exit=[1-9]' "$work/out.txt"; then
  echo "a run exited non-zero (see above)" >&2
  status=1
fi
exit "$status"
