#!/usr/bin/env bash
# Removes what infra/deploy-demo.sh deployed; see usage() and infra/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: infra/destroy-demo.sh [OPTIONS]

Removes the demo stack from the AWS account: deletes the CloudFormation stack by name (aws
cloudformation delete-stack, then waits for stack-delete-complete), with the region and profile
that infra/deploy-demo.sh recorded in WORKSPACE/aws-demo/aws.env. Nothing is synthesized, so it
works from a fresh clone, after mvn clean, or with the workspace's stores gone: only the state
file is read, and without it the defaults (stack MtlsDemoStack, --region/--profile) apply.
A stack that does not exist is not an error.

Options:
  --workspace DIR                   the demo's workspace (default: demo-certs/ in the repository)
  --delete-layers-and-parameters    also delete the layer versions deploy-demo.sh published
                                    (aws lambda delete-layer-version), the SSM parameters it
                                    wrote (the store passwords /mtls/service-N/... and the
                                    backends' certificates /mtls-demo/service-N/...) and the
                                    secret mtls-demo/service-1-store-passwords, without recovery
  --region REGION                   AWS region (default: the one of the deployment, else
                                    AWS_REGION or the profile's region)
  --profile NAME                    AWS profile (default: the one of the deployment)
  -h, --help                        print this and exit

The workspace itself (CA keys, passwords) stays; remove it with rm -rf when you are done.
EOF
}

die() {
    echo "destroy-demo: $*" >&2
    exit 1
}

usage_error() {
    echo "destroy-demo: $*" >&2
    echo "Run infra/destroy-demo.sh --help for the options." >&2
    exit 2
}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
stack=MtlsDemoStack # DemoApp.STACK_NAME

workspace="$REPO/demo-certs"
region=""
profile=""
delete_layers_and_parameters=false

while [ "$#" -gt 0 ]; do
    option=$1
    value=""
    case "$option" in
        --*=*)
            value=${option#*=}
            option=${option%%=*}
            ;;
        --workspace | --region | --profile)
            [ "$#" -ge 2 ] || usage_error "$option needs a value"
            value=$2
            shift
            ;;
    esac
    case "$option" in
        -h | --help) usage; exit 0 ;;
        --workspace) workspace=$value ;;
        --region) region=$value ;;
        --profile) profile=$value ;;
        --delete-layers-and-parameters) delete_layers_and_parameters=true ;;
        *) usage_error "unknown option $1" ;;
    esac
    shift
done
case "$workspace" in
    /*) ;;
    *) workspace="$PWD/$workspace" ;;
esac
state="$workspace/aws-demo"
state_err=$(mktemp)
trap 'rm -f "$state_err"' EXIT

command -v aws >/dev/null 2>&1 || die "missing: the AWS CLI (aws)"

# the region and profile of the deployment, unless given now
if [ -f "$state/aws.env" ]; then
    while IFS='=' read -r key value; do
        case "$key" in
            stack) case "$value" in
                       [A-Za-z]*) stack=$value ;;
                       *) die "$state/aws.env names an invalid stack '$value'" ;;
                   esac ;;
            region) [ -n "$region" ] || region=$value ;;
            profile) [ -n "$profile" ] || profile=$value ;;
        esac
    done <"$state/aws.env"
fi
aws_options=()
if [ -n "$region" ]; then
    aws_options+=(--region "$region")
    export AWS_REGION="$region" AWS_DEFAULT_REGION="$region"
fi
if [ -n "$profile" ]; then
    aws_options+=(--profile "$profile")
fi

# Deleting the stack by name needs neither the app nor its inputs (jars, keystores), which a
# `cdk destroy` would synthesize again: a destroy must never fail for want of a build while the
# NAT gateway, the NLB and Fargate go on billing.
echo "== Stack $stack"
if ! status=$(aws cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].StackStatus' --output text \
    ${aws_options[@]+"${aws_options[@]}"} 2>"$state_err"); then
    if grep -q "does not exist" "$state_err"; then
        echo "  $stack does not exist (never deployed, or already deleted)"
    else
        cat "$state_err" >&2
        die "cannot read the stack $stack (see the AWS CLI's message above)"
    fi
else
    aws cloudformation delete-stack --stack-name "$stack" ${aws_options[@]+"${aws_options[@]}"}
    echo "  deleting $stack ($status); waiting until CloudFormation reports it deleted"
    aws cloudformation wait stack-delete-complete --stack-name "$stack" ${aws_options[@]+"${aws_options[@]}"} \
        || die "the deletion of $stack did not complete; see its events in the CloudFormation console, then run this again"
    echo "  deleted $stack"
fi
rm -f "$state_err"

if [ "$delete_layers_and_parameters" != true ]; then
    echo "The layer versions and SSM parameters stay (--delete-layers-and-parameters removes them)."
    exit 0
fi

echo "== Layer versions"
if [ -s "$state/layer-versions.txt" ]; then
    while IFS= read -r arn; do
        case "$arn" in
            arn:aws*:lambda:*:*:layer:*:[0-9]*) ;;
            *) continue ;;
        esac
        # --layer-name takes the layer's ARN: the version's ARN without its :VERSION
        aws lambda delete-layer-version --layer-name "${arn%:*}" --version-number "${arn##*:}" \
            ${aws_options[@]+"${aws_options[@]}"}
        echo "  deleted $arn"
    done <"$state/layer-versions.txt"
    rm -f "$state/layer-versions.txt"
else
    echo "  none recorded in $state/layer-versions.txt"
fi

echo "== SSM parameters"
names=()
if [ -s "$state/parameters.txt" ]; then
    while IFS= read -r name; do
        case "$name" in
            /*) names+=("$name") ;;
        esac
    done <"$state/parameters.txt"
else
    # what deploy-demo.sh writes for the demo services with the default prefixes
    for service in service-1 service-2; do
        names+=("/mtls/$service/keystore-password" "/mtls/$service/truststore-password"
            "/mtls-demo/$service/server-chain" "/mtls-demo/$service/server-key" "/mtls-demo/$service/client-ca")
    done
fi
# DeleteParameters takes at most 10 names; names already gone come back as InvalidParameters
index=0
while [ "$index" -lt "${#names[@]}" ]; do
    batch=("${names[@]:index:10}")
    aws ssm delete-parameters --names "${batch[@]}" --query 'DeletedParameters' --output text \
        ${aws_options[@]+"${aws_options[@]}"} | tr '\t' '\n' | sed -e '/^$/d' -e '/^None$/d' -e 's/^/  deleted /'
    index=$((index + 10))
done
rm -f "$state/parameters.txt"

echo "== Secrets Manager"
secrets=()
if [ -s "$state/secrets.txt" ]; then
    while IFS= read -r name; do
        [ -z "$name" ] || secrets+=("$name")
    done <"$state/secrets.txt"
else
    secrets=(mtls-demo/service-1-store-passwords)
fi
for name in "${secrets[@]}"; do
    if aws secretsmanager delete-secret --secret-id "$name" --force-delete-without-recovery \
        --query Name --output text ${aws_options[@]+"${aws_options[@]}"} >/dev/null; then
        echo "  deleted $name"
    else
        echo "  $name was not deleted (see the error above; it may be gone already)"
    fi
done
rm -f "$state/secrets.txt"
echo "Done. The workspace $workspace stays (rm -rf it when you no longer need its CAs)."
