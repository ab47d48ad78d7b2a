#!/usr/bin/env bash
# Benchmark of the release archive's launcher (bin/mtls-cli): one `certs create` (EC, the demo
# set) through it, with and without the class-data-sharing archive that its first run maps from
# lib/mtls-cli.classlist, and the cost of that first run.
#
# Usage:  bench/release-launcher.sh [RUNS]    (default RUNS=7; JAVA_HOME picks the JVM)
#
# Unpacks cli/target/mtls-cli-<version>.tar.gz (build it first: mvn -B -q -DskipTests package)
# into a temporary directory. Variants, interleaved run by run, each a fresh process:
#   without   XDG_CACHE_HOME is a file, so no cache directory can be made (also as root): the
#             launcher runs without an archive
#   archive   the archive the first run made (that first run was `--version`)
# Prints the first run's wall time, then the median, min and max of each variant.
set -euo pipefail
runs=${1:-7}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
archive=$(ls "$root"/cli/target/mtls-cli-*.tar.gz 2>/dev/null | head -1)
[ -n "$archive" ] || { echo "no release archive in cli/target: mvn -B -q -DskipTests package" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/mtls-launcher-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tar -xzf "$archive" -C "$work"
launcher=$(ls -d "$work"/mtls-cli-*/bin/mtls-cli)
mkdir -p "$work/cache" && : >"$work/no-cache"

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
start=$(date +%s%N)
XDG_CACHE_HOME="$work/cache" "$launcher" --version >/dev/null
echo "first run (--version, mapping the class list): $(ms "$start") ms"
ls "$work"/cache/mtls-cli/mtls-cli-*.jsa >/dev/null || { echo "the first run made no archive" >&2; exit 1; }

declare -A times
for ((i = 1; i <= runs; i++)); do
  for variant in without archive; do
    cache="$work/cache"; [ "$variant" = without ] && cache="$work/no-cache"
    rm -rf "$work/out"
    start=$(date +%s%N)
    XDG_CACHE_HOME="$cache" "$launcher" certs create --out "$work/out" >/dev/null
    times[$variant]+="$(ms "$start") "
  done
done
echo "$(nproc) CPUs, $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1), $runs runs each"
for variant in without archive; do
  # shellcheck disable=SC2086 # a list of numbers
  sorted=$(printf '%s\n' ${times[$variant]} | sort -n)
  echo "$variant: median $(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p") ms ($(echo "$sorted" | head -1)-$(echo "$sorted" | tail -1))"
done
