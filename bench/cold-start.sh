#!/usr/bin/env bash
# Cold start of the Lambda runtime library as a user feels it: wall time from JVM start to the
# first successful mTLS response, in a fresh JVM each run (docs/benchmarks.md, "Cold start of the
# Lambda runtime library"). Usage: bench/cold-start.sh [RUNS]   (default 7 per variant and JVM flags)
#   (a) library:    MtlsClients, layer from MTLS_LAYER_ROOT, passwords from SSM (SsmPasswords)
#   (b) jsse:       the sample's JSSE system properties, passwords given directly, SSLContext.getDefault()
#   (c) powertools: (b) with the passwords from Powertools' SSMProvider
# SSM is the loopback fake (dev.mtlscli.fakeaws.FakeAws); the backend is nginx, else the JDK's HttpsServer.
set -euo pipefail
runs="${1:-7}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/bench/cold-start"
cd "$root"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

echo "building (mvn install of the project, then bench/cold-start) ..." >&2
mvn -B -q -DskipTests install >&2
(cd "$bench" && mvn -B -q package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2)

work="$(mktemp -d "${TMPDIR:-/tmp}/mtls-cold-start.XXXXXX")"
harness_log="$work/harness.log"
# the harness stops nginx and the fake SSM when its stdin closes
coproc HARNESS { exec "$java" -cp "$root/cli/target/mtls-cli.jar" "$bench/harness/ColdStartHarness.java" "$work/w" 2>"$harness_log"; }
harness_pid=$HARNESS_PID
harness_in=${HARNESS[1]}
cleanup() {
  exec {harness_in}>&- 2>/dev/null || true
  wait "$harness_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if ! read -r word env_file <&"${HARNESS[0]}" || [ "$word" != ready ]; then
  echo "the harness did not start:" >&2
  cat "$harness_log" >&2
  exit 1
fi
# shell variables only; each variant's subshell exports what that variant gets
# shellcheck disable=SC1090
. "$env_file"
AWS_ENDPOINT_URL_SSM="$SSM_ENDPOINT"
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION SSM_ENDPOINT AWS_ENDPOINT_URL_SSM MTLS_LAYER_ROOT \
  KEYSTORE_FILE TRUSTSTORE_FILE KEYSTORE_PASSWORD_PARAMETER TRUSTSTORE_PASSWORD_PARAMETER

cp_library="$bench/library/target/classes:$(cat "$bench/library/target/classpath.txt")"
cp_jsse="$bench/jsse/target/classes"
cp_powertools="$bench/powertools/target/classes:$(cat "$bench/powertools/target/classpath.txt")"

# run VARIANT FLAGS...: one fresh JVM; prints the milliseconds it reported
run() {
  local variant="$1"; shift
  local out
  if ! out="$(
    case "$variant" in
      a) exec "$java" "$@" -cp "$cp_library" dev.mtlscli.bench.ColdStartLibrary "$BACKEND_URL" ;;
      b) export KEYSTORE_PASSWORD TRUSTSTORE_PASSWORD
         exec "$java" "$@" -cp "$cp_jsse" dev.mtlscli.bench.ColdStartJsse "$BACKEND_URL" ;;
      c) exec "$java" "$@" -cp "$cp_powertools" dev.mtlscli.bench.ColdStartPowertools "$BACKEND_URL" ;;
    esac 2>"$work/stderr")"; then
    echo "variant ($variant) failed:" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
  case "$out" in
    ''|*[!0-9]*) echo "variant ($variant) printed '$out'" >&2; exit 1 ;;
  esac
  echo "$out"
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minmax() { tr ' ' '\n' | grep . | sort -n | awk 'NR == 1 { min = $1 } { max = $1 } END { print min "–" max }'; }

echo "backend: $BACKEND_DESCRIPTION; $runs runs per variant, interleaved, after one warm-up each"
echo "$(nproc) CPUs, $("$java" -version 2>&1 | head -1)"
for flags in "" "-XX:TieredStopAtLevel=1"; do
  declare -A times=([a]="" [b]="" [c]="")
  for v in a b c; do run "$v" $flags >/dev/null; done
  for ((i = 1; i <= runs; i++)); do
    for v in a b c; do times[$v]+=" $(run "$v" $flags)"; done
  done
  declare -A med=()
  for v in a b c; do med[$v]="$(median <<<"${times[$v]}")"; done
  echo
  echo "JVM flags: ${flags:-(defaults)}"
  echo
  echo "| variant | median ms | min–max ms | ratio vs (b) |"
  echo "|---|---:|---:|---:|"
  for v in a b c; do
    case "$v" in
      a) name="(a) library: layer + SsmPasswords" ;;
      b) name="(b) sample: JSSE properties, passwords given" ;;
      c) name="(c) sample + Powertools SSMProvider" ;;
    esac
    ratio="$(awk -v x="${med[$v]}" -v y="${med[b]}" 'BEGIN { printf "%.2f", x / y }')"
    echo "| $name | ${med[$v]} | $(minmax <<<"${times[$v]}") | ${ratio}x |"
  done
  echo
  within="$(awk -v a="${med[a]}" -v b="${med[b]}" 'BEGIN { print (a <= 1.15 * b) ? "yes" : "no" }')"
  faster="$(awk -v a="${med[a]}" -v c="${med[c]}" 'BEGIN { print (a < c) ? "yes" : "no" }')"
  echo "- (a) within 1.15x of (b): $within"
  echo "- (a) faster than (c): $faster"
  unset times med
done
