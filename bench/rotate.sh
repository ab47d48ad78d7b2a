#!/usr/bin/env bash
# Benchmark of `mtls-cli rotate` on a fleet of consumer functions in the loopback fake AWS, with
# Lambda's control-plane quotas enforced, a latency added to every call and every n-th call of
# each operation throttled (docs/benchmarks.md, "Rotation of 500 functions"). Not a test: it
# prints figures.
#
# Usage: bench/rotate.sh [RUNS] [FUNCTIONS:CONCURRENCY:LATENCY_MS:THROTTLE_EVERY[:LAMBDA_RATE] ...]
#   RUNS     runs per configuration, each a fresh JVM (default 3); the medians are printed
#   configs  default: 500:8:20:20 500:16:20:20 (5% throttled), and 500:8:20:0 (no throttling) as
#            the reference that shows what the throttling costs; LAMBDA_RATE is rotate's
#            --lambda-rate (default: the command's default, 10), e.g. 500:8:20:20:14
# Each run is bench/rotate/RotateBench.java in source-file mode on the shaded jar, with the JVM
# flags of the ./mtls-cli launcher (C1 only, serial GC; ROTATE_BENCH_JAVA_OPTS replaces them); it
# exits 1 when the rotation failed, a function is left inconsistent or Lambda's quota answered a
# call 429 with the limiter on, and so does this script (after printing everything). The ideal
# is the larger of the latency bound (calls x latency / concurrency) and the quota bound (the
# calls the quota counted over the limiter's rate). SKIP_BUILD=1 uses cli/target/mtls-cli.jar as
# it is instead of building first. With the defaults a run takes about a minute per configuration
# after the build (the quota, 500 updates at 10 per second, bounds it).
set -euo pipefail
runs="${1:-3}"
shift || true
configs=("$@")
if [ "${#configs[@]}" -eq 0 ]; then
  configs=(500:8:20:20 500:16:20:20 500:8:20:0)
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

read -r -a java_opts <<<"${ROTATE_BENCH_JAVA_OPTS--XX:+UseSerialGC -XX:TieredStopAtLevel=1}"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # package, offline, the modules the jars need: nothing is installed into ~/.m2
  echo "building (mvn package of fake-aws, lambda-runtime, demo-function and cli) ..." >&2
  mvn -B -q -o -DskipTests package -pl fake-aws,lambda-runtime,demo-function,cli >&2
fi

# the loopback fake AWS is test support, not in the CLI jar: it comes from its own module's jar
fake_aws_jar="$(ls "$root"/fake-aws/target/mtls-fake-aws-*.jar | grep -v -e '-sources' -e '-javadoc' | head -1)"
work="$(mktemp -d "${TMPDIR:-/tmp}/mtls-rotate-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
most() { tr ' ' '\n' | grep . | sort -n | tail -1; }
minmax() { tr ' ' '\n' | grep . | sort -n | awk 'NR == 1 { min = $1 } { max = $1 } END { print min "–" max }'; }
# field NAME < RESULT line
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }

echo "$(nproc) CPUs, $("$java" -version 2>&1 | head -1), JVM flags: ${java_opts[*]:-(none)}; $runs run(s) per configuration, each a fresh JVM"
failed=0
summary=()
for config in "${configs[@]}"; do
  IFS=: read -r functions concurrency latency throttle rate <<<"$config"
  # RotateBench's 5th argument is when an update is seen done (1: the fake's default), its 6th the rate
  rate_args=()
  [ -z "${rate:-}" ] || rate_args=(1 "$rate")
  declare -A values=()
  for ((i = 1; i <= runs; i++)); do
    out="$work/$config-$i.txt"
    status=0
    "$java" "${java_opts[@]}" -cp "cli/target/mtls-cli.jar:$fake_aws_jar" bench/rotate/RotateBench.java "$functions" "$concurrency" "$latency" "$throttle" "${rate_args[@]}" \
      >"$out" 2>"$work/stderr" || status=$?
    result="$(grep '^RESULT ' "$out" || true)"
    if [ "$status" -ne 0 ] || [ -z "$result" ]; then
      echo "run $i of $config failed (exit $status):" >&2
      cat "$out" "$work/stderr" >&2
      failed=1
      [ -n "$result" ] || continue
    fi
    echo
    echo "== $config, run $i"
    grep -v '^RESULT ' "$out"
    for f in lambda_rate wall_ms plan_ms renew_ms publish_ms move_ms calls fleet_calls throttled quota_429 control_plane_max_1s \
      latency_bound_ms quota_bound_ms quota15_bound_ms ideal_ms ratio fleet_ideal_ms inconsistent; do
      values[$f]+=" $(field "$f" <<<"$result")"
    done
  done
  [ -n "${values[wall_ms]:-}" ] || continue
  row="| $functions | $concurrency | $(most <<<"${values[lambda_rate]}") | $latency | $([ "$throttle" -gt 0 ] && echo "every ${throttle}th" || echo none)"
  row+=" | $(median <<<"${values[wall_ms]}") | $(minmax <<<"${values[wall_ms]}")"
  row+=" | $(median <<<"${values[plan_ms]}")+$(median <<<"${values[renew_ms]}")+$(median <<<"${values[publish_ms]}")"
  row+=" | $(median <<<"${values[move_ms]}") | $(median <<<"${values[calls]}") | $(median <<<"${values[throttled]}")"
  row+=" | $(most <<<"${values[quota_429]}") | $(most <<<"${values[control_plane_max_1s]}")"
  row+=" | $(median <<<"${values[latency_bound_ms]}") | $(median <<<"${values[quota_bound_ms]}") ($(median <<<"${values[quota15_bound_ms]}"))"
  row+=" | $(median <<<"${values[ideal_ms]}") | $(median <<<"${values[ratio]}")x"
  row+=" | $(most <<<"${values[inconsistent]}") |"
  summary+=("$row")
  unset values
done

echo
echo "Medians of $runs run(s) (429s from the quota, control-plane calls in 1 s and inconsistent: the most of any run);"
echo "quota bound: the calls Lambda's quota counted / the limiter's rate (in brackets: / Lambda's own 15 and 100 per second):"
echo
echo "| functions | concurrency | --lambda-rate | latency ms | throttled | wall ms | min–max ms | plan+renew+publish ms | moving ms | calls | injected throttles | 429s from the quota | most control-plane calls in 1 s | latency bound ms | quota bound ms (at 15/s) | ideal ms | wall / ideal | inconsistent |"
echo "|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for row in "${summary[@]}"; do
  echo "$row"
done
exit "$failed"
