#!/usr/bin/env bash
# Cold start of the Lambda runtime library as a user feels it: wall time from JVM start to the
# first successful mTLS response, in a fresh JVM each run (docs/benchmarks.md, "Cold start of the
# Lambda runtime library"). Usage: bench/cold-start.sh [RUNS]   (default 7 per variant and JVM flags)
#   (a)  library:    MtlsClients, layer from MTLS_LAYER_ROOT, passwords from SSM (SsmPasswords, AWS SDK)
#   (a2) extension:  the same main, passwords through the Parameters and Secrets extension
#                    (ExtensionPasswords); no AWS SDK jar on the class path
#   (b)  jsse:       the sample's JSSE system properties, passwords given directly, SSLContext.getDefault()
#   (c)  powertools: (b) with the passwords from Powertools' SSMProvider
# SSM and the extension are loopback fakes (dev.mtlscli.fakeaws); the backend is nginx, else the
# JDK's HttpsServer. Three JVM flag sets: the defaults; -XX:TieredStopAtLevel=1; and Lambda-like
# CPU (taskset -c 0, -XX:ActiveProcessorCount=1 and C1 only: a 512 MB function has a fraction of
# a vCPU). Before the timed runs, each variant is run once with -Xlog:class+load to count the
# classes it loads.
set -euo pipefail
runs="${1:-7}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/bench/cold-start"
cd "$root"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

echo "building (mvn install of the project, then bench/cold-start) ..." >&2
mvn -B -q -DskipTests install >&2
(cd "$bench" && mvn -B -q package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2)

# the loopback fake AWS is test support, not in the CLI jar: it comes from its own module's jar
fake_aws_jar="$(ls "$root"/fake-aws/target/mtls-fake-aws-*.jar | grep -v -e '-sources' -e '-javadoc' | head -1)"
work="$(mktemp -d "${TMPDIR:-/tmp}/mtls-cold-start.XXXXXX")"
harness_log="$work/harness.log"
# the harness stops nginx and the fake SSM when its stdin closes
coproc HARNESS { exec "$java" -cp "$root/cli/target/mtls-cli.jar:$fake_aws_jar" "$bench/harness/ColdStartHarness.java" "$work/w" 2>"$harness_log"; }
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
cp_extension="$bench/library/target/classes:$(cat "$bench/library-extension/target/classpath.txt")"
case "$cp_extension" in
  *awssdk*) echo "variant (a2) has an AWS SDK jar on its class path: $cp_extension" >&2; exit 1 ;;
esac
cp_jsse="$bench/jsse/target/classes"
cp_powertools="$bench/powertools/target/classes:$(cat "$bench/powertools/target/classpath.txt")"

# run VARIANT FLAGS...: one fresh JVM; prints the milliseconds it reported. With LAMBDA_CPU=1 the
# JVM is pinned to one CPU.
run() {
  local variant="$1"; shift
  local out pin=()
  if [ "${LAMBDA_CPU:-0}" = 1 ]; then pin=(taskset -c 0); fi
  if ! out="$(
    case "$variant" in
      a) exec "${pin[@]}" "$java" "$@" -cp "$cp_library" dev.mtlscli.bench.ColdStartLibrary "$BACKEND_URL" ;;
      a2) export PARAMETERS_SECRETS_EXTENSION_HTTP_PORT="$EXTENSION_PORT" AWS_SESSION_TOKEN
          exec "${pin[@]}" "$java" "$@" -cp "$cp_extension" dev.mtlscli.bench.ColdStartLibrary "$BACKEND_URL" ;;
      b) export KEYSTORE_PASSWORD TRUSTSTORE_PASSWORD
         exec "${pin[@]}" "$java" "$@" -cp "$cp_jsse" dev.mtlscli.bench.ColdStartJsse "$BACKEND_URL" ;;
      c) exec "${pin[@]}" "$java" "$@" -cp "$cp_powertools" dev.mtlscli.bench.ColdStartPowertools "$BACKEND_URL" ;;
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

variants=(a a2 b c)
name() {
  case "$1" in
    a) echo "(a) library: layer + SsmPasswords (AWS SDK)" ;;
    a2) echo "(a2) library: layer + ExtensionPasswords (no SDK)" ;;
    b) echo "(b) sample: JSSE properties, passwords given" ;;
    c) echo "(c) sample + Powertools SSMProvider" ;;
  esac
}

echo "backend: $BACKEND_DESCRIPTION; $runs runs per variant, interleaved, after one warm-up each"
echo "$(nproc) CPUs, $("$java" -version 2>&1 | head -1)"
echo
echo "| variant | classes loaded |"
echo "|---|---:|"
for v in "${variants[@]}"; do
  run "$v" "-Xlog:class+load:file=$work/classes-$v.log" >/dev/null
  echo "| $(name "$v") | $(grep -c 'source:' "$work/classes-$v.log") |"
done
if ! command -v taskset >/dev/null 2>&1; then
  echo "taskset is missing (util-linux): the Lambda-like CPU row is skipped" >&2
fi

for set in defaults c1 lambda-cpu; do
  case "$set" in
    defaults) flags=(); label="(defaults)"; export LAMBDA_CPU=0 ;;
    c1) flags=(-XX:TieredStopAtLevel=1); label="-XX:TieredStopAtLevel=1"; export LAMBDA_CPU=0 ;;
    lambda-cpu)
      command -v taskset >/dev/null 2>&1 || continue
      flags=(-XX:ActiveProcessorCount=1 -XX:TieredStopAtLevel=1)
      label="Lambda-like CPU: taskset -c 0 -XX:ActiveProcessorCount=1 -XX:TieredStopAtLevel=1"; export LAMBDA_CPU=1 ;;
  esac
  declare -A times=()
  for v in "${variants[@]}"; do times[$v]=""; run "$v" "${flags[@]}" >/dev/null; done
  for ((i = 1; i <= runs; i++)); do
    for v in "${variants[@]}"; do times[$v]+=" $(run "$v" "${flags[@]}")"; done
  done
  declare -A med=()
  for v in "${variants[@]}"; do med[$v]="$(median <<<"${times[$v]}")"; done
  echo
  echo "JVM flags: $label"
  echo
  echo "| variant | median ms | min–max ms | ratio vs (b) |"
  echo "|---|---:|---:|---:|"
  for v in "${variants[@]}"; do
    ratio="$(awk -v x="${med[$v]}" -v y="${med[b]}" 'BEGIN { printf "%.2f", x / y }')"
    echo "| $(name "$v") | ${med[$v]} | $(minmax <<<"${times[$v]}") | ${ratio}x |"
  done
  echo
  for v in a a2; do
    within="$(awk -v a="${med[$v]}" -v b="${med[b]}" 'BEGIN { print (a <= 1.15 * b) ? "yes" : "no" }')"
    faster="$(awk -v a="${med[$v]}" -v c="${med[c]}" 'BEGIN { print (a < c) ? "yes" : "no" }')"
    echo "- ($v) within 1.15x of (b): $within; faster than (c): $faster"
  done
  unset times med
done
