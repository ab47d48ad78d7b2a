#!/usr/bin/env bash
# Deploys the mtls-cli demo to an AWS account; see usage() and infra/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: infra/deploy-demo.sh [OPTIONS]

Deploys the mtls-cli demo to the AWS account and region of your credentials:
  1. ./mtls-cli certs create --out WORKSPACE [--spec SPEC]   (skipped when WORKSPACE exists)
  2. ./mtls-cli layer publish --workspace WORKSPACE --output json
       the client stores as layers mtls-service-N, their passwords as SSM SecureString
       /mtls/service-N/keystore-password and truststore-password
  3. aws ssm put-parameter --type SecureString --overwrite --value file://...
       the backends' certificates: /mtls-demo/service-N/server-chain, server-key, client-ca
     aws secretsmanager create-secret / put-secret-value --secret-string file://...
       mtls-demo/service-1-store-passwords: service-1's store passwords for the two functions
       of the sample's environment-password approach (lambda-only, lambda-layer)
  4. npx aws-cdk@2 deploy --all (in infra/), with the layer version ARNs, the pinned password
     parameters and the workspace as context
It is safe to run again: an unchanged workspace publishes no new layer version.

Options:
  --workspace DIR      the demo's workspace (default: demo-certs/ in the repository, which git
                       ignores); it holds the CA keys and passwords: keep it, never commit it
  --spec FILE          spec of certs create (default: the built-in demo set, backend-service-1.com
                       and backend-service-2.com, as `./mtls-cli certs spec` prints it)
  --region REGION      AWS region (default: AWS_REGION, or the profile's region)
  --profile NAME       AWS profile (default: the default credential chain)
  --kms-key-arn ARN    customer KMS key of every SecureString (default: aws/ssm)
  --architecture ARCH  arm64 or x86_64, of the functions and of the backend image and tasks
                       (default: this machine's, so Docker builds the image natively)
  --extension-layer-arn ARN
                       AWS's Parameters and Secrets Lambda Extension layer version for the region
                       and architecture: the functions that read SSM then get their passwords
                       through it (infra/README.md)
  --bootstrap          run `cdk bootstrap` before deploying (once per account and region)
  -h, --help           print this and exit

Needs: Java 17+ and Maven (the build, run when the jars are missing), the AWS CLI, Node.js
(npx runs the CDK CLI; node reads the JSON answers, else jq), Docker (the backend image).
What was deployed is recorded in WORKSPACE/aws-demo/, for infra/destroy-demo.sh.
EOF
}

die() {
    echo "deploy-demo: $*" >&2
    exit 1
}

usage_error() {
    echo "deploy-demo: $*" >&2
    echo "Run infra/deploy-demo.sh --help for the options." >&2
    exit 2
}

STACK_NAME=MtlsDemoStack # DemoApp.STACK_NAME
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INFRA="$REPO/infra"
MTLS_CLI="$REPO/mtls-cli"

workspace="$REPO/demo-certs"
spec=""
region=""
profile=""
kms_key_arn=""
architecture=""
extension_layer_arn=""
bootstrap=false

while [ "$#" -gt 0 ]; do
    option=$1
    value=""
    case "$option" in
        --*=*)
            value=${option#*=}
            option=${option%%=*}
            ;;
        --workspace | --spec | --region | --profile | --kms-key-arn | --architecture | --extension-layer-arn)
            [ "$#" -ge 2 ] || usage_error "$option needs a value"
            value=$2
            shift
            ;;
    esac
    case "$option" in
        -h | --help) usage; exit 0 ;;
        --workspace) workspace=$value ;;
        --spec) spec=$value ;;
        --region) region=$value ;;
        --profile) profile=$value ;;
        --kms-key-arn) kms_key_arn=$value ;;
        --architecture) architecture=$value ;;
        --extension-layer-arn) extension_layer_arn=$value ;;
        --bootstrap) bootstrap=true ;;
        *) usage_error "unknown option $1" ;;
    esac
    shift
done

if [ -z "$architecture" ]; then
    case "$(uname -m)" in
        aarch64 | arm64) architecture=arm64 ;;
        *) architecture=x86_64 ;;
    esac
fi
case "$architecture" in
    arm64 | x86_64) ;;
    *) usage_error "--architecture must be arm64 or x86_64, not $architecture" ;;
esac
case "$kms_key_arn" in
    "" | arn:aws*:kms:*:*:key/*) ;;
    *) usage_error "--kms-key-arn must be a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not $kms_key_arn" ;;
esac
if [ -n "$spec" ]; then
    [ -f "$spec" ] || usage_error "no spec file $spec"
    spec=$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")
fi
case "$workspace" in
    /*) ;;
    *) workspace="$PWD/$workspace" ;;
esac

missing=()
command -v aws >/dev/null 2>&1 || missing+=("the AWS CLI (aws)")
command -v npx >/dev/null 2>&1 || missing+=("Node.js (npx)")
command -v node >/dev/null 2>&1 || command -v jq >/dev/null 2>&1 || missing+=("node or jq")
command -v docker >/dev/null 2>&1 || missing+=("Docker (docker)")
if [ "${#missing[@]}" -gt 0 ]; then
    die "missing: ${missing[*]}"
fi
# cdk deploy builds the backend image with the local Docker daemon, as its last step: without
# a running daemon it would fail after layers, parameters and the secret were written.
docker info >/dev/null 2>&1 || die "the Docker daemon is not running (docker info failed); cdk deploy builds the backend image with it. Start Docker and run this again; nothing was written to AWS"

# AWS options of mtls-cli and the AWS CLI; the CDK CLI reads the region from the environment.
# (Possibly empty arrays are expanded as ${a[@]+"${a[@]}"}, which bash 3.2 of macOS accepts under set -u.)
aws_options=()
cdk_options=()
if [ -n "$region" ]; then
    aws_options+=(--region "$region")
    export AWS_REGION="$region" AWS_DEFAULT_REGION="$region"
fi
if [ -n "$profile" ]; then
    aws_options+=(--profile "$profile")
    cdk_options+=(--profile "$profile")
fi

state="$workspace/aws-demo"
# the CDK app's default name (context key storePasswordsSecret)
store_passwords_secret="mtls-demo/service-1-store-passwords"

# --- 0. the build: mtls-cli and the demo function jar the CDK app deploys
if [ ! -f "$REPO/cli/target/mtls-cli.jar" ] || [ ! -f "$REPO/demo-function/target/mtls-demo-function.jar" ]; then
    echo "== Building (mvn -B -q -DskipTests package)"
    (cd "$REPO" && mvn -B -q -DskipTests package)
fi

# --- 1. the certificates
if [ -e "$workspace" ]; then
    [ -f "$workspace/passwords.json" ] || die "$workspace exists but is not a workspace of certs create (no passwords.json)"
    echo "== Certificates: using the workspace $workspace"
else
    echo "== Certificates: creating the workspace $workspace"
    create=(certs create --out "$workspace")
    if [ -n "$spec" ]; then
        create+=(--spec "$spec")
    fi
    "$MTLS_CLI" "${create[@]}"
fi
mkdir -p "$state"
chmod 0700 "$state"

# --- 2. the layers and their passwords
echo "== Layers: mtls-cli layer publish"
for service in service-1 service-2; do
    [ -f "$workspace/clients/$service/keystore.p12" ] ||
        die "$workspace has no clients/$service/keystore.p12: the demo stack needs service-1 and service-2 with PKCS12 stores"
done
publish=(layer publish --workspace "$workspace" --service service-1 --service service-2 --output json
    ${aws_options[@]+"${aws_options[@]}"})
if [ -n "$kms_key_arn" ]; then
    publish+=(--kms-key-id "$kms_key_arn")
fi
"$MTLS_CLI" "${publish[@]}" >"$state/layer-publish.json.tmp"
mv -f "$state/layer-publish.json.tmp" "$state/layer-publish.json"

# one line per service: service, layer version ARN, keystore and truststore password parameters (NAME:VERSION)
layers_tsv() {
    if command -v node >/dev/null 2>&1; then
        node -e '
            const answer = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
            for (const layer of answer.layers || []) {
                console.log([layer.service, layer.layerVersionArn,
                    layer.parameters.keyStorePassword.parameter,
                    layer.parameters.trustStorePassword.parameter].join("\t"));
            }' "$1"
    else
        jq -r '.layers[] | [.service, .layerVersionArn, .parameters.keyStorePassword.parameter,
            .parameters.trustStorePassword.parameter] | @tsv' "$1"
    fi
}
layers_tsv "$state/layer-publish.json" >"$state/layers.tsv"

context=(-c "architecture=$architecture" -c "backendArchitecture=$architecture" -c "workspace=$workspace"
    -c "storePasswordsSecret=$store_passwords_secret")
if [ -n "$kms_key_arn" ]; then
    context+=(-c "kmsKeyArn=$kms_key_arn")
fi
if [ -n "$extension_layer_arn" ]; then
    context+=(-c "paramsSecretsExtensionLayerArn=$extension_layer_arn")
fi
services=()
parameters=()
touch "$state/layer-versions.txt"
while IFS=$'\t' read -r service arn keystore truststore; do
    case "$service" in
        service-[1-9]) number=${service#service-} ;;
        *) die "the demo stack knows service-1 and service-2, not $service (see --spec)" ;;
    esac
    case "$arn" in
        arn:aws*:lambda:*:*:layer:*:[0-9]*) ;;
        *) die "layer publish gave no layer version ARN for $service (see $state/layer-publish.json)" ;;
    esac
    echo "  $service: $arn"
    services+=("$service")
    # NAME:VERSION as the manifest pins them; the functions' IAM policy names the parameters
    context+=(-c "layerArnService$number=$arn" -c "parametersService$number=$keystore,$truststore")
    parameters+=("${keystore%:*}" "${truststore%:*}")
    grep -qxF "$arn" "$state/layer-versions.txt" || echo "$arn" >>"$state/layer-versions.txt"
done <"$state/layers.tsv"
for needed in service-1 service-2; do
    case " ${services[*]-} " in
        *" $needed "*) ;;
        *) die "the workspace has no $needed; the demo stack needs service-1 and service-2" ;;
    esac
done

# --- 3. the backends' certificates, read from the files (nothing secret on a command line)
echo "== Backend certificates: SSM SecureString /mtls-demo/service-N/..."
put_secure() { # NAME FILE
    [ -s "$2" ] || die "no $2 in the workspace"
    local put=(ssm put-parameter --name "$1" --type SecureString --value "file://$2" --overwrite
        --tier Intelligent-Tiering --query Version --output text ${aws_options[@]+"${aws_options[@]}"})
    if [ -n "$kms_key_arn" ]; then
        put+=(--key-id "$kms_key_arn")
    fi
    local version
    version=$(aws "${put[@]}")
    echo "  $1 (version $version)"
    parameters+=("$1")
}
for service in service-1 service-2; do
    put_secure "/mtls-demo/$service/server-chain" "$workspace/servers/$service/server-chain.crt"
    put_secure "/mtls-demo/$service/server-key" "$workspace/servers/$service/server.key"
    put_secure "/mtls-demo/$service/client-ca" "$workspace/servers/$service/client-ca.crt"
done

# service-1's store passwords as one JSON secret: the CDK app puts a dynamic reference to its
# fields in the environment of lambda-only and lambda-layer, resolved by CloudFormation
echo "== Store passwords of the environment-password approach: Secrets Manager $store_passwords_secret"
secret_file="$state/store-passwords.json"
trap 'rm -f "$secret_file"' EXIT
if command -v node >/dev/null 2>&1; then
    node -e '
        const fs = require("fs");
        const passwords = JSON.parse(fs.readFileSync(process.argv[1], "utf8")).passwords || {};
        const keystore = passwords["clients/service-1/keystore.p12"],
            truststore = passwords["clients/service-1/truststore.p12"] || passwords["clients/truststore.p12"];
        if (!keystore || !truststore) {
            console.error("deploy-demo: passwords.json has no password of clients/service-1/keystore.p12 or clients/service-1/truststore.p12 (the demo needs PKCS12 stores)");
            process.exit(1);
        }
        fs.writeFileSync(process.argv[2], JSON.stringify({keystorePassword: keystore, truststorePassword: truststore}), {mode: 0o600});
    ' "$workspace/passwords.json" "$secret_file"
else
    (umask 077 && jq -e '.passwords | {keystorePassword: .["clients/service-1/keystore.p12"],
            truststorePassword: (.["clients/service-1/truststore.p12"] // .["clients/truststore.p12"])}
        | select(.keystorePassword and .truststorePassword)' "$workspace/passwords.json" >"$secret_file") ||
        die "passwords.json has no password of clients/service-1/keystore.p12 or clients/service-1/truststore.p12 (the demo needs PKCS12 stores)"
fi
if aws secretsmanager describe-secret --secret-id "$store_passwords_secret" --query Name --output text \
    ${aws_options[@]+"${aws_options[@]}"} >/dev/null 2>&1; then
    aws secretsmanager put-secret-value --secret-id "$store_passwords_secret" --secret-string "file://$secret_file" \
        --query VersionId --output text ${aws_options[@]+"${aws_options[@]}"} >/dev/null
    echo "  updated $store_passwords_secret"
else
    create_secret=(secretsmanager create-secret --name "$store_passwords_secret" --secret-string "file://$secret_file"
        --description "mtls-cli demo: service-1 store passwords of lambda-only and lambda-layer"
        --query ARN --output text ${aws_options[@]+"${aws_options[@]}"})
    if [ -n "$kms_key_arn" ]; then
        create_secret+=(--kms-key-id "$kms_key_arn")
    fi
    aws "${create_secret[@]}" >/dev/null
    echo "  created $store_passwords_secret"
fi
rm -f "$secret_file"

# what destroy-demo.sh needs: the context to synthesize the app, what to delete
printf '%s\n' "${context[@]}" >"$state/cdk-context.args"
printf '%s\n' "${parameters[@]}" >"$state/parameters.txt"
echo "$store_passwords_secret" >"$state/secrets.txt"
{
    echo "stack=$STACK_NAME"
    [ -z "$region" ] || echo "region=$region"
    [ -z "$profile" ] || echo "profile=$profile"
} >"$state/aws.env"

# --- 4. the stack
# cdk.out holds the synthesized assets, among them the lambda-only function's copies of the
# keystores: private to the user whatever the umask (it is in .gitignore).
cdk() {
    (umask 077 && cd "$INFRA" && mkdir -p cdk.out && chmod 0700 cdk.out \
        && CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true npx --yes aws-cdk@2 "$@")
}
if [ "$bootstrap" = true ]; then
    echo "== cdk bootstrap"
    cdk bootstrap --no-notices "${context[@]}" ${cdk_options[@]+"${cdk_options[@]}"}
fi
echo "== cdk deploy"
cdk deploy --all --require-approval never --no-notices --outputs-file "$state/cdk-outputs.json" \
    "${context[@]}" ${cdk_options[@]+"${cdk_options[@]}"}

echo "== Deployed (stack outputs in $state/cdk-outputs.json)"
api_url=""
if [ -f "$state/cdk-outputs.json" ]; then
    if command -v node >/dev/null 2>&1; then
        api_url=$(node -e '
            const outputs = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
            console.log((outputs.MtlsDemoStack || {}).ApiUrl || "");' "$state/cdk-outputs.json")
    else
        api_url=$(jq -r '.MtlsDemoStack.ApiUrl // ""' "$state/cdk-outputs.json")
    fi
fi
if [ -n "$api_url" ]; then
    echo "Try the five approaches (infra/README.md says what each answers):"
    for path in lambda-no-mtls lambda-only lambda-layer lambda-parameter-store lambda-multiple-certificates; do
        echo "  curl -i ${api_url%/}/$path"
    done
fi
