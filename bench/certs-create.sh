#!/usr/bin/env bash
# Benchmark: conventional openssl + keytool flow vs. `mtls-cli certs create`.
#
# Usage:  bench/certs-create.sh [RUNS]        (default RUNS=7)
#
# Both sides build the mTLS material for two services (service-1 on
# backend-service-1.com, service-2 on backend-service-2.com): two root CAs,
# two server keys + certificates, one client keystore per service and one
# client truststore.
#
# The baseline ("openssl+keytool") follows the flow of the AWS sample 'Mutual
# TLS for Java based AWS Lambda functions' (generate-certs script), call for
# call, one process per step: 24 processes per run, 12 openssl and 12 keytool
# (every keytool call starts a JVM):
#   1. per service: root CA key (openssl), self-signed CA certificate
#      (openssl req -x509)                                      4 openssl
#   2. per service: server key, CSR, certificate signed by the service's CA
#      (openssl x509 -req, no extensions)                       6 openssl
#   3. client_truststore.jks: both root CAs and both server certificates
#      (keytool -importcert)                                    4 keytool
#   4. per service, client_keystore_N.jks: key pair (keytool -genkeypair),
#      CSR (keytool -certreq), certificate signed by the CA (openssl x509
#      -req), CA certificate and then the signed certificate imported
#      (keytool -importcert)                    2 openssl +     8 keytool
# All Java stores are JKS with the password "secret" (store and key). It is
# run in two variants: RSA-2048 (what the sample does) and EC P-256 (same
# calls; EC keys from openssl ecparam / keytool -keyalg EC -groupname
# secp256r1, signatures SHA256withECDSA).
#
# The comparison does not favour mtls-cli: its side produces more than the
# baseline -- encrypted CA private keys, generated passwords, certificates
# with SANs, PKCS12 stores and nginx-ready certificate chains.
#
# The mtls-cli side is run as a fresh process each time, so JVM start-up is
# included in its figures. Build it first with:
#     mvn -B -q -DskipTests package
#
# Per key type: one warm-up run of each side (not counted, but its output is
# checked), then RUNS measured runs of each, interleaved (the side that goes
# first alternates between iterations). Wall time of each whole run is taken
# with `date +%s%N`. Every run gets a fresh temporary directory. No network.
#
# Environment:
#   BENCH_BASELINE_ONLY=1   time only the openssl+keytool flow (no mtls-cli
#                           needed); the mtls-cli columns then read "n/a".

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT=$(pwd)

RUNS=${1:-7}
if ! [[ $RUNS =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: bench/certs-create.sh [RUNS]   (RUNS must be a positive integer, got '$RUNS')" >&2
    exit 2
fi

BASELINE_ONLY=${BENCH_BASELINE_ONLY:-0}
CLI=./mtls-cli
CLI_JAR=cli/target/mtls-cli.jar
PASS=secret

# ---------------------------------------------------------------------------
# Preconditions
# ---------------------------------------------------------------------------
missing=()
for tool in openssl keytool java date sort awk; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
    echo "error: required tool(s) not found on PATH: ${missing[*]}" >&2
    exit 1
fi

if [[ $BASELINE_ONLY != 1 ]]; then
    if [[ ! -x $CLI || ! -f $CLI_JAR ]]; then
        {
            echo "error: mtls-cli is not built."
            [[ -x $CLI ]] || echo "  missing or not executable: $REPO_ROOT/${CLI#./}"
            [[ -f $CLI_JAR ]] || echo "  missing: $REPO_ROOT/$CLI_JAR"
            echo "Build it first with:  mvn -B -q -DskipTests package"
            echo "(or set BENCH_BASELINE_ONLY=1 to time only the openssl+keytool flow)"
        } >&2
        exit 1
    fi
fi

# ---------------------------------------------------------------------------
# Temp dirs and cleanup
# ---------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mtls-bench.XXXXXX")
LAST_LOG=""

cleanup() {
    local rc=$?
    if ((rc != 0)) && [[ -n $LAST_LOG && -s $LAST_LOG ]]; then
        echo "error: a benchmark run failed (exit $rc); last lines of its output:" >&2
        tail -n 40 "$LAST_LOG" >&2 || true
    fi
    rm -rf -- "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
# Baseline: the AWS sample's flow, one process per step
# (24 processes per run: 12 openssl, 12 keytool; JKS stores, password "secret")
# ---------------------------------------------------------------------------

# Subject details per service (locality / state), as the sample varies them.
declare -A SVC_L=([1]="Seattle" [2]="Columbus")
declare -A SVC_ST=([1]="Washington" [2]="Ohio")

# genkey KEYTYPE OUTFILE -- one openssl process
genkey() {
    case $1 in
        rsa) openssl genrsa -out "$2" 2048 ;;
        ec) openssl ecparam -name prime256v1 -genkey -noout -out "$2" ;;
        *) echo "unknown key type $1" >&2; return 1 ;;
    esac
}

# baseline_ca KEYTYPE DIR N -- 2 openssl
baseline_ca() {
    local kt=$1 d=$2 n=$3
    local ca_key="$d/rootCA-service-$n.key"

    genkey "$kt" "$ca_key"
    openssl req -x509 -new -nodes -key "$ca_key" -sha256 -days 365 \
        -subj "/C=US/ST=${SVC_ST[$n]}/L=${SVC_L[$n]}/O=Demo Root CA/OU=CA" \
        -out "$d/rootCA-service-$n.crt"
}

# baseline_server KEYTYPE DIR N -- 3 openssl
baseline_server() {
    local kt=$1 d=$2 n=$3
    local base="$d/backend_service_$n"

    genkey "$kt" "$base.key"
    openssl req -new -sha256 -key "$base.key" \
        -subj "/C=US/ST=${SVC_ST[$n]}/L=${SVC_L[$n]}/O=Demo Company/OU=Backend Service $n/CN=backend-service-$n.com" \
        -out "$base.csr"
    openssl x509 -req -in "$base.csr" -days 365 -sha256 \
        -CA "$d/rootCA-service-$n.crt" -CAkey "$d/rootCA-service-$n.key" \
        -CAserial "$d/rootCA-service-$n.srl" -CAcreateserial \
        -out "$base.crt"
}

# baseline_truststore DIR -- 4 keytool: both root CAs, then both server certificates
baseline_truststore() {
    local d=$1 n
    for n in 1 2; do
        keytool -importcert -noprompt \
            -keystore "$d/client_truststore.jks" -storetype JKS -storepass "$PASS" \
            -alias "rootCA-service-$n" -file "$d/rootCA-service-$n.crt"
    done
    for n in 1 2; do
        keytool -importcert -noprompt \
            -keystore "$d/client_truststore.jks" -storetype JKS -storepass "$PASS" \
            -alias "backend_service_$n" -file "$d/backend_service_$n.crt"
    done
}

# baseline_client KEYTYPE DIR N -- 4 keytool + 1 openssl
baseline_client() {
    local kt=$1 d=$2 n=$3
    local ks="$d/client_keystore_$n.jks" keyopts sigalg
    case $kt in
        rsa) keyopts=(-keyalg RSA -keysize 2048) sigalg=SHA256withRSA ;;
        ec) keyopts=(-keyalg EC -groupname secp256r1) sigalg=SHA256withECDSA ;;
        *) echo "unknown key type $kt" >&2; return 1 ;;
    esac

    # Client key pair (self-signed placeholder certificate) in a new JKS keystore
    keytool -genkeypair "${keyopts[@]}" -sigalg "$sigalg" -alias lambda \
        -keystore "$ks" -storetype JKS -storepass "$PASS" -keypass "$PASS" -validity 365 \
        -dname "CN=Lambda for Backend Service $n, OU=Platform, O=Demo Company, L=${SVC_L[$n]}, ST=${SVC_ST[$n]}, C=US"
    # CSR from the keystore
    keytool -certreq -alias lambda -sigalg "$sigalg" \
        -keystore "$ks" -storetype JKS -storepass "$PASS" \
        -file "$d/client_$n.csr"
    # Sign it with the service's root CA (own serial file, as the sample does)
    openssl x509 -req -in "$d/client_$n.csr" -sha256 -days 365 \
        -CA "$d/rootCA-service-$n.crt" -CAkey "$d/rootCA-service-$n.key" \
        -CAserial "$d/client_$n.srl" -CAcreateserial \
        -out "$d/client_$n.crt"
    # Root CA into the keystore, then the signed certificate as reply for 'lambda'
    keytool -importcert -noprompt \
        -keystore "$ks" -storetype JKS -storepass "$PASS" \
        -alias "rootCA-service-$n" -file "$d/rootCA-service-$n.crt"
    keytool -importcert -noprompt -trustcacerts \
        -keystore "$ks" -storetype JKS -storepass "$PASS" \
        -alias lambda -file "$d/client_$n.crt"
}

# baseline_flow KEYTYPE DIR -- the whole set, sequentially, in the sample's order
baseline_flow() {
    local kt=$1 d=$2 n
    for n in 1 2; do baseline_ca "$kt" "$d" "$n"; done
    for n in 1 2; do baseline_server "$kt" "$d" "$n"; done
    baseline_truststore "$d"
    for n in 1 2; do baseline_client "$kt" "$d" "$n"; done
}

# ks_list FILE [keytool -list options...] -- prints the listing (stderr folded in);
# on failure prints it to stderr and fails.
ks_list() {
    local f=$1 out
    shift
    if ! out=$(keytool -list -keystore "$f" -storetype JKS -storepass "$PASS" "$@" 2>&1); then
        echo "error: keytool -list failed for $f:" >&2
        printf '%s\n' "$out" >&2
        return 1
    fi
    printf '%s\n' "$out"
}

# Sanity check of a baseline result (run once, outside the timed region).
verify_baseline() {
    local d=$1 n listing entries
    for n in 1 2; do
        openssl verify -CAfile "$d/rootCA-service-$n.crt" \
            "$d/backend_service_$n.crt" "$d/client_$n.crt" >/dev/null
        # Keystore N: PrivateKeyEntry 'lambda' whose chain is client cert + root CA
        listing=$(ks_list "$d/client_keystore_$n.jks" -v -alias lambda)
        if [[ $listing != *"Entry type: PrivateKeyEntry"* ]] ||
            ! grep -q '^Certificate chain length: 2$' <<<"$listing"; then
            echo "error: baseline client keystore $n: 'lambda' is not a PrivateKeyEntry with chain length 2" >&2
            return 1
        fi
    done
    listing=$(ks_list "$d/client_truststore.jks")
    entries=$(grep -c trustedCertEntry <<<"$listing" || true)
    if [[ $entries != 4 ]]; then
        echo "error: baseline truststore has $entries trusted entries, expected 4" >&2
        return 1
    fi
}

# ---------------------------------------------------------------------------
# mtls-cli side
# ---------------------------------------------------------------------------
cli_flow() {
    local kt=$1 d=$2
    case $kt in
        rsa) "$CLI" certs create --out "$d/out" --key-algorithm rsa-2048 ;;
        ec) "$CLI" certs create --out "$d/out" ;;
    esac
}

verify_cli() {
    local d=$1/out
    if [[ ! -d $d ]] || [[ -z $(ls -A "$d") ]]; then
        echo "error: mtls-cli did not write anything to $d" >&2
        return 1
    fi
}

# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------
count_files() { find "$1" -type f | wc -l | tr -d ' '; }

# time_run SIDE KEYTYPE [keep]  -> sets global ELAPSED_MS (milliseconds, 3 decimals)
# A fresh temp dir per run; created and removed outside the timed region.
ELAPSED_MS=0
LAST_DIR=""
time_run() {
    local side=$1 kt=$2 keep=${3:-}
    local dir t0 t1
    dir=$(mktemp -d "$WORK/$side-$kt.XXXXXX")
    LAST_LOG="$dir.log"
    t0=$(date +%s%N)
    "${side}_flow" "$kt" "$dir" >"$LAST_LOG" 2>&1
    t1=$(date +%s%N)
    ELAPSED_MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')
    LAST_DIR=$dir
    if [[ -z $keep ]]; then
        rm -rf -- "$dir" "$LAST_LOG"
    fi
    LAST_LOG=""
}

# stats "v1 v2 ..." -> "median min max" (ms, 3 decimals; rounded only for display)
stats() {
    # shellcheck disable=SC2086 # word splitting of the sample list is intended
    printf '%s\n' $1 | sort -g | awk '
        { v[NR] = $1 }
        END {
            if (NR % 2) med = v[(NR + 1) / 2]; else med = (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.3f %.3f %.3f\n", med, v[1], v[NR]
        }'
}

ms() { printf '%.0f' "$1"; }

# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------
# The same java the ./mtls-cli launcher picks (JAVA_HOME first, else PATH).
JAVA_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}java"
java_version=$("$JAVA_BIN" -version 2>&1 | awk 'NR == 1')
cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)

echo "## certs create: openssl + keytool vs. mtls-cli"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "- nproc: $(nproc)"
if [[ -n $cpu_model ]]; then echo "- cpu: $cpu_model"; fi
echo "- kernel: $(uname -sr)"
echo "- java: $java_version"
echo "- keytool: $(command -v keytool)"
echo "- openssl: $(openssl version)"
if [[ -r /proc/loadavg ]]; then echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"; fi
echo "- runs per cell: $RUNS measured (+1 warm-up each, not counted), interleaved"
echo "- baseline: flow of the AWS sample 'Mutual TLS for Java based AWS Lambda functions' (generate-certs script), 24 processes per run (12 openssl, 12 keytool), JKS stores, password 'secret'"
echo

declare -A MED MIN MAX RATIO
KEYTYPES=(rsa ec)
declare -A LABEL=([rsa]="RSA-2048" [ec]="EC P-256")
declare -A TARGET=([rsa]=8 [ec]=16)

for kt in "${KEYTYPES[@]}"; do
    echo "${LABEL[$kt]}: warm-up..." >&2
    time_run baseline "$kt" keep
    verify_baseline "$LAST_DIR"
    b_files=$(count_files "$LAST_DIR")
    rm -rf -- "$LAST_DIR" "$LAST_DIR.log"
    sides=(baseline)
    if [[ $BASELINE_ONLY != 1 ]]; then
        time_run cli "$kt" keep
        verify_cli "$LAST_DIR"
        c_files=$(count_files "$LAST_DIR/out")
        rm -rf -- "$LAST_DIR" "$LAST_DIR.log"
        sides=(baseline cli)
        echo "${LABEL[$kt]}: warm-up wrote $b_files files (openssl+keytool) and $c_files files (mtls-cli)" >&2
    fi

    declare -A samples=([baseline]="" [cli]="")
    for ((i = 1; i <= RUNS; i++)); do
        # Alternate which side goes first, so neither always runs on a "hot" machine.
        if ((i % 2)) || ((${#sides[@]} == 1)); then order=("${sides[@]}"); else order=("${sides[1]}" "${sides[0]}"); fi
        for side in "${order[@]}"; do
            time_run "$side" "$kt"
            samples[$side]+="$ELAPSED_MS "
            printf '%s run %d/%d %-8s %10.1f ms\n' "${LABEL[$kt]}" "$i" "$RUNS" "$side" "$ELAPSED_MS" >&2
        done
    done

    for side in "${sides[@]}"; do
        read -r med lo hi <<<"$(stats "${samples[$side]}")"
        MED["$kt,$side"]=$med MIN["$kt,$side"]=$lo MAX["$kt,$side"]=$hi
    done
    if [[ $BASELINE_ONLY != 1 ]]; then
        RATIO[$kt]=$(awk -v b="${MED[$kt,baseline]}" -v c="${MED[$kt,cli]}" 'BEGIN { printf "%.3f", (c > 0 ? b / c : 0) }')
    fi
    unset samples
done

echo "| key type | openssl+keytool median (ms) | openssl+keytool min–max (ms) | mtls-cli median (ms) | mtls-cli min–max (ms) | ratio (baseline/mtls-cli) | target | met |"
echo "|---|---:|---:|---:|---:|---:|---:|:---:|"
for kt in "${KEYTYPES[@]}"; do
    if [[ $BASELINE_ONLY == 1 ]]; then
        cli_med="n/a" cli_range="n/a" ratio="n/a" met="n/a"
    else
        cli_med=$(ms "${MED[$kt,cli]}")
        cli_range="$(ms "${MIN[$kt,cli]}")–$(ms "${MAX[$kt,cli]}")"
        ratio="$(printf '%.1f' "${RATIO[$kt]}")x"
        met=$(awk -v r="${RATIO[$kt]}" -v t="${TARGET[$kt]}" 'BEGIN { print (r >= t ? "yes" : "no") }')
    fi
    printf '| %s | %s | %s | %s | %s | %s | %sx | %s |\n' \
        "${LABEL[$kt]}" "$(ms "${MED[$kt,baseline]}")" "$(ms "${MIN[$kt,baseline]}")–$(ms "${MAX[$kt,baseline]}")" \
        "$cli_med" "$cli_range" "$ratio" "${TARGET[$kt]}" "$met"
done
