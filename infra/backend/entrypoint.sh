#!/bin/sh
# Entrypoint of the demo's mTLS backend container (infra/backend/Dockerfile).
#
# Writes the certificates it is given in the environment to files, renders nginx.conf from
# nginx.conf.template, checks it with `nginx -t` and replaces itself with nginx in the
# foreground, so nginx is the container's main process and gets its stop signal.
#
# Required environment (the ECS task definition of the CDK stack, infra/):
#   SERVER_CHAIN_PEM  secret: SSM SecureString /mtls-demo/service-N/server-chain (leaf + CA)
#   SERVER_KEY_PEM    secret: SSM SecureString /mtls-demo/service-N/server-key (unencrypted PKCS#8)
#   CLIENT_CA_PEM     secret: SSM SecureString /mtls-demo/service-N/client-ca
#   LISTEN_PORT       443 or 444 (or ADDRESS:PORT)
#   SERVER_NAME       backend-service-N.com
#   HELLO_JSON        {"hello": "from backend service N"}
# Optional, with the container's defaults:
#   HEALTH_PORT=8080  plain-HTTP GET /health for the load balancer (one per container of a task)
#   CERT_DIR=/run/mtls  NGINX_CONF_DIR=/etc/nginx  MTLS_TEMPLATE=/etc/nginx/mtls/nginx.conf.template
#   NGINX_PID_FILE=/var/run/nginx.pid  NGINX_TEMP_DIR=/var/cache/nginx
#   NGINX_ERROR_LOG=stderr  NGINX_ACCESS_LOG=/dev/stdout  NGINX_WORKER_PROCESSES=auto
#
# Usage: entrypoint.sh                 write, render, check, exec nginx -g 'daemon off;'
#        entrypoint.sh --render-only   write and render, print the nginx.conf path, start nothing
set -eu
LC_ALL=C
export LC_ALL

me=mtls-backend

die() {
    echo "$me: $*" >&2
    exit 1
}

render_only=false
case "$#:${1:-}" in
    0:) ;;
    1:--render-only) render_only=true ;;
    *:-h | *:--help)
        sed -n '2,22s/^# \{0,1\}//p' "$0"
        exit 0
        ;;
    *)
        echo "$me: unexpected arguments: $*" >&2
        echo "usage: $0 [--render-only]" >&2
        exit 2
        ;;
esac

# --- the required environment; every missing variable is named before giving up
missing=
for name in SERVER_CHAIN_PEM SERVER_KEY_PEM CLIENT_CA_PEM LISTEN_PORT SERVER_NAME HELLO_JSON; do
    eval "value=\${$name:-}"
    if [ -z "$value" ]; then
        missing="$missing $name"
    fi
done
if [ -n "$missing" ]; then
    die "refusing to start: not set:$missing (the certificates come from the task's SSM secrets /mtls-demo/service-N/...)"
fi

: "${HEALTH_PORT:=8080}"
: "${CERT_DIR:=/run/mtls}"
: "${NGINX_CONF_DIR:=/etc/nginx}"
: "${MTLS_TEMPLATE:=/etc/nginx/mtls/nginx.conf.template}"
: "${NGINX_PID_FILE:=/var/run/nginx.pid}"
: "${NGINX_TEMP_DIR:=/var/cache/nginx}"
: "${NGINX_ERROR_LOG:=stderr}"
: "${NGINX_ACCESS_LOG:=/dev/stdout}"
: "${NGINX_WORKER_PROCESSES:=auto}"

# --- values go into nginx.conf as they are: refuse what could change its syntax
port() { # NAME VALUE
    case "$2" in
        *[!0-9A-Za-z.:_-]* | *[!0-9]) die "$1 must be a port or ADDRESS:PORT, not '$2'" ;;
    esac
}
path() { # NAME VALUE
    case "$2" in
        *[!A-Za-z0-9._/@%+=:,~-]* | '') die "$1 must be a plain path (letters, digits, ._/@%+=:,~-), not '$2'" ;;
    esac
}
pem() { # NAME VALUE LABEL
    if ! printf '%s\n' "$2" | grep -q "^-----BEGIN $3-----" || ! printf '%s\n' "$2" | grep -q "^-----END $3-----"; then
        die "$1 is not PEM text with '-----BEGIN $3-----' and '-----END $3-----' lines"
    fi
}

port LISTEN_PORT "$LISTEN_PORT"
port HEALTH_PORT "$HEALTH_PORT"
[ "$LISTEN_PORT" != "$HEALTH_PORT" ] || die "LISTEN_PORT and HEALTH_PORT are both $LISTEN_PORT"
case "$SERVER_NAME" in
    *[!A-Za-z0-9.*_-]*) die "SERVER_NAME must be one host name, not '$SERVER_NAME'" ;;
esac
case "$HELLO_JSON" in
    *[\'\\\$]*) die "HELLO_JSON must not contain ', \\ or \$ (it is an nginx string)" ;;
esac
case "$NGINX_WORKER_PROCESSES" in
    auto) ;;
    '' | *[!0-9]*) die "NGINX_WORKER_PROCESSES must be auto or a number, not '$NGINX_WORKER_PROCESSES'" ;;
esac
for name in CERT_DIR NGINX_CONF_DIR MTLS_TEMPLATE NGINX_PID_FILE NGINX_TEMP_DIR NGINX_ERROR_LOG NGINX_ACCESS_LOG; do
    eval "path $name \"\${$name}\""
done
pem SERVER_CHAIN_PEM "$SERVER_CHAIN_PEM" CERTIFICATE
pem CLIENT_CA_PEM "$CLIENT_CA_PEM" CERTIFICATE
case "$SERVER_KEY_PEM" in
    *"ENCRYPTED PRIVATE KEY"* | *"Proc-Type: 4,ENCRYPTED"*)
        die "SERVER_KEY_PEM is encrypted; nginx needs the key unencrypted (servers/<service>/server.key of the workspace)" ;;
esac
printf '%s\n' "$SERVER_KEY_PEM" | grep -q '^-----BEGIN [A-Z ]*PRIVATE KEY-----' ||
    die "SERVER_KEY_PEM is not a PEM private key"
[ -r "$MTLS_TEMPLATE" ] || die "no template at $MTLS_TEMPLATE"

# --- the certificates: the key readable by this user only, nginx's master reads them all
umask 022
mkdir -p "$NGINX_CONF_DIR" "$NGINX_TEMP_DIR"
umask 077
mkdir -p "$CERT_DIR"
chmod 0700 "$CERT_DIR"
printf '%s\n' "$SERVER_KEY_PEM" >"$CERT_DIR/server.key"
chmod 0600 "$CERT_DIR/server.key"
printf '%s\n' "$SERVER_CHAIN_PEM" >"$CERT_DIR/server-chain.crt"
printf '%s\n' "$CLIENT_CA_PEM" >"$CERT_DIR/client-ca.crt"
chmod 0644 "$CERT_DIR/server-chain.crt" "$CERT_DIR/client-ca.crt"
# nginx reads the files; the master process need not keep the key in its environment
unset SERVER_KEY_PEM SERVER_CHAIN_PEM CLIENT_CA_PEM

# --- nginx.conf: only these variables are substituted, nginx's own $variables stay
export LISTEN_PORT SERVER_NAME HELLO_JSON HEALTH_PORT CERT_DIR \
    NGINX_PID_FILE NGINX_TEMP_DIR NGINX_ERROR_LOG NGINX_ACCESS_LOG NGINX_WORKER_PROCESSES
conf="$NGINX_CONF_DIR/nginx.conf"
# shellcheck disable=SC2016 # the list names the variables for envsubst; the shell must not expand them
envsubst '${LISTEN_PORT} ${SERVER_NAME} ${HELLO_JSON} ${HEALTH_PORT} ${CERT_DIR} ${NGINX_PID_FILE} ${NGINX_TEMP_DIR} ${NGINX_ERROR_LOG} ${NGINX_ACCESS_LOG} ${NGINX_WORKER_PROCESSES}' \
    <"$MTLS_TEMPLATE" >"$conf.tmp"
chmod 0644 "$conf.tmp"
mv -f "$conf.tmp" "$conf"

if [ "$render_only" = true ]; then
    echo "$conf"
    exit 0
fi

nginx -t -q -e "$NGINX_ERROR_LOG" -c "$conf" || die "nginx -t rejected $conf"
echo "$me: $SERVER_NAME on $LISTEN_PORT (mTLS), health on $HEALTH_PORT" >&2
exec nginx -e "$NGINX_ERROR_LOG" -c "$conf" -g 'daemon off;'
