#!/usr/bin/env bash
# Benchmark: conventional openssl + keytool flow vs. `mtls-cli certs create`.
#
# Usage:  bench/certs-create.sh [RUNS]        (default RUNS=7)
#
# Both sides build the same "demo set" for two services (service-1 on
# backend-service-1.com, service-2 on backend-service-2.com):
#   - 2 self-signed root CAs
#   - 2 server keys + certificates (signed by the service's CA)
#   - 2 client PKCS12 keystores (client key + certificate + CA chain)
#   - 1 client PKCS12 truststore that trusts both CAs
#
# The baseline follows the well-known AWS Lambda mTLS sample script: one
# openssl/keytool process per step, password "secret" everywhere, and keytool
# for the Java stores (each keytool call starts a JVM). It is run in two
# variants: RSA-2048 (what the sample does) and EC P-256.
#
# The mtls-cli side is run as a fresh process each time, so JVM start-up is
# included in its figures. Build it first with:
#     mvn -B -q -DskipTests package
#
# Per key type: one warm-up run of each side (not counted), then RUNS
# measured runs of each, interleaved (the side that goes first alternates
# between iterations). Wall time of each whole run is taken with
# `date +%s%N`. Every run gets a fresh temporary directory. No network.
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
# Baseline: openssl + keytool, one process per step (22 processes in total)
# ---------------------------------------------------------------------------

# genkey KEYTYPE OUTFILE -- one openssl process
genkey() {
    case $1 in
        rsa) openssl genrsa -out "$2" 2048 ;;
        ec) openssl ecparam -name prime256v1 -genkey -noout -out "$2" ;;
        *) echo "unknown key type $1" >&2; return 1 ;;
    esac
}

# baseline_service KEYTYPE DIR INDEX HOST  -- 10 processes (8 openssl, 1 openssl pkcs12, 1 keytool)
baseline_service() {
    local kt=$1 d=$2 n=$3 host=$4
    local ca_key="$d/rootCA-service-$n.key" ca_crt="$d/rootCA-service-$n.crt"

    # Root CA: private key + self-signed certificate
    genkey "$kt" "$ca_key"
    openssl req -x509 -new -nodes -key "$ca_key" -sha256 -days 3650 \
        -subj "/O=mtls-cli demo/CN=service-$n Root CA" \
        -out "$ca_crt"

    # Server: key, CSR, certificate signed by the CA (with SAN + serverAuth)
    local ku=digitalSignature
    [[ $kt == rsa ]] && ku=digitalSignature,keyEncipherment
    printf '%s\n' \
        "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,$ku" \
        "extendedKeyUsage=serverAuth" \
        "subjectAltName=DNS:$host" >"$d/server_$n.ext"
    genkey "$kt" "$d/backend_service_$n.key"
    openssl req -new -sha256 -key "$d/backend_service_$n.key" \
        -subj "/O=mtls-cli demo/CN=$host" \
        -out "$d/backend_service_$n.csr"
    openssl x509 -req -in "$d/backend_service_$n.csr" -days 365 -sha256 \
        -CA "$ca_crt" -CAkey "$ca_key" \
        -CAserial "$d/rootCA-service-$n.srl" -CAcreateserial \
        -extfile "$d/server_$n.ext" \
        -out "$d/backend_service_$n.crt"

    # Client (the Lambda side): key, CSR, certificate signed by the same CA
    printf '%s\n' \
        "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,$ku" \
        "extendedKeyUsage=clientAuth" >"$d/client_$n.ext"
    genkey "$kt" "$d/client_$n.key"
    openssl req -new -sha256 -key "$d/client_$n.key" \
        -subj "/O=mtls-cli demo/CN=service-$n Lambda client" \
        -out "$d/client_$n.csr"
    openssl x509 -req -in "$d/client_$n.csr" -days 365 -sha256 \
        -CA "$ca_crt" -CAkey "$ca_key" \
        -CAserial "$d/rootCA-service-$n.srl" \
        -extfile "$d/client_$n.ext" \
        -out "$d/client_$n.crt"

    # Client keystore: openssl PKCS12 bundle (key + cert + CA chain), then
    # keytool -importkeystore into the keystore the Java client loads.
    openssl pkcs12 -export -name lambda \
        -inkey "$d/client_$n.key" -in "$d/client_$n.crt" -certfile "$ca_crt" \
        -passout "pass:$PASS" -out "$d/client_$n.openssl.p12"
    keytool -importkeystore -noprompt \
        -srckeystore "$d/client_$n.openssl.p12" -srcstoretype PKCS12 -srcstorepass "$PASS" \
        -destkeystore "$d/client_keystore_$n.p12" -deststoretype PKCS12 -deststorepass "$PASS"
}

# baseline_flow KEYTYPE DIR -- the whole demo set, sequentially, 22 processes
baseline_flow() {
    local kt=$1 d=$2
    baseline_service "$kt" "$d" 1 backend-service-1.com
    baseline_service "$kt" "$d" 2 backend-service-2.com

    # One client truststore trusting both CAs
    local n
    for n in 1 2; do
        keytool -importcert -noprompt \
            -keystore "$d/client_truststore.p12" -storetype PKCS12 -storepass "$PASS" \
            -alias "rootca-service-$n" -file "$d/rootCA-service-$n.crt"
    done
}

# Sanity check of a baseline result (run once, outside the timed region).
verify_baseline() {
    local d=$1 n listing
    for n in 1 2; do
        openssl verify -CAfile "$d/rootCA-service-$n.crt" \
            "$d/backend_service_$n.crt" "$d/client_$n.crt" >/dev/null
        listing=$(keytool -list -keystore "$d/client_keystore_$n.p12" -storetype PKCS12 -storepass "$PASS")
        if [[ $listing != *PrivateKeyEntry* ]]; then
            echo "error: baseline client keystore $n has no private key entry" >&2
            return 1
        fi
    done
    local entries
    listing=$(keytool -list -keystore "$d/client_truststore.p12" -storetype PKCS12 -storepass "$PASS")
    entries=$(grep -c trustedCertEntry <<<"$listing" || true)
    if [[ $entries != 2 ]]; then
        echo "error: baseline truststore has $entries trusted entries, expected 2" >&2
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
java_version=$(java -version 2>&1 | awk 'NR == 1')
cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)

echo "## certs create: openssl + keytool vs. mtls-cli"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "- nproc: $(nproc)"
if [[ -n $cpu_model ]]; then echo "- cpu: $cpu_model"; fi
echo "- kernel: $(uname -sr)"
echo "- java: $java_version"
echo "- openssl: $(openssl version)"
echo "- runs per cell: $RUNS measured (+1 warm-up each, not counted), interleaved"
echo "- baseline: 22 processes per run (16 openssl req/x509/genkey, 2 openssl pkcs12, 2 keytool -importkeystore, 2 keytool -importcert)"
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
