#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster, Redis server, OpenID Connect provider
# (scripts/oidc-provider, panva's oidc-provider on Node.js) and S3-compatible object
# store (moto's standalone server, from requirements-dev.txt, with the bucket svc-test)
# on loopback in a temporary folder, run the given command with DATABASE_URL,
# REDIS_URL, OIDC_TEST_ISSUER, S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY,
# S3_REGION_NAME and SVC_TEST_S3_BUCKET set, and stop them afterwards, also when the
# command fails or is interrupted. SVC_TEST_S3_BUCKET, not S3_BUCKET: the suite keeps
# private files in a folder per test; the object-store tests opt in (conftest).
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null \
  || { echo "Node.js and npm not found: the test OpenID Connect provider needs them (apt-get install nodejs npm)" >&2; exit 1; }
OIDC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/oidc-provider"
VENV_BIN="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv/bin"
[ -x "$VENV_BIN/moto_server" ] \
  || { echo "moto_server not found in $VENV_BIN: install requirements-dev.txt (make venv)" >&2; exit 1; }

RUN=$(mktemp -d /tmp/svc-services.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PGPORT=$(free_port)
REDISPORT=$(free_port)
OIDCPORT=$(free_port)
S3PORT=$(free_port)
OIDC_PID=
S3_PID=

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" -eq 0 ] && chown postgres "$RUN"

stop_services() {
  local rc=$?
  if [ -n "$S3_PID" ]; then
    kill -TERM "$S3_PID" 2>/dev/null || true
    wait "$S3_PID" 2>/dev/null || true
  fi
  if [ -n "$OIDC_PID" ]; then
    kill -TERM "$OIDC_PID" 2>/dev/null || true
    wait "$OIDC_PID" 2>/dev/null || true
  fi
  redis-cli -p "$REDISPORT" shutdown nosave >/dev/null 2>&1 || true
  as_pg "$PGBIN/pg_ctl" -D "$RUN/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$RUN"
  echo "Stopped the throwaway PostgreSQL, Redis, OpenID Connect provider and object store."
  exit $rc
}
trap stop_services EXIT
trap 'exit 130' INT TERM

as_pg "$PGBIN/initdb" -D "$RUN/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$RUN/pg" -l "$RUN/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $RUN -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres svc

redis-server --bind 127.0.0.1 --port "$REDISPORT" --daemonize yes --save '' --appendonly no \
  --pidfile "$RUN/redis.pid" --logfile "$RUN/redis.log" --dir "$RUN" >/dev/null
for _ in $(seq 50); do redis-cli -p "$REDISPORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done

# The OpenID Connect provider: install its pinned packages when the lock file is
# newer than the installed tree, start it, and wait for its discovery document.
if [ ! -f "$OIDC_DIR/node_modules/.package-lock.json" ] \
  || [ "$OIDC_DIR/package-lock.json" -nt "$OIDC_DIR/node_modules/.package-lock.json" ]; then
  (cd "$OIDC_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
PORT="$OIDCPORT" node "$OIDC_DIR/server.js" >"$RUN/oidc.log" 2>&1 &
OIDC_PID=$!
OIDC_URL="http://127.0.0.1:$OIDCPORT"
oidc_ready() {
  python3 - "$OIDC_URL/.well-known/openid-configuration" <<'PY'
import json, sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=1) as r:
        sys.exit(0 if json.load(r).get("issuer") else 1)
except Exception:
    sys.exit(1)
PY
}
for _ in $(seq 60); do
  oidc_ready && break
  kill -0 "$OIDC_PID" 2>/dev/null || break
  sleep 0.2
done
if ! oidc_ready; then
  echo "The OpenID Connect provider did not come up on $OIDC_URL; its log:" >&2
  cat "$RUN/oidc.log" >&2
  exit 1
fi

# The object store: moto's server, in memory; ready when the bucket could be created.
"$VENV_BIN/moto_server" -H 127.0.0.1 -p "$S3PORT" >"$RUN/s3.log" 2>&1 &
S3_PID=$!
S3_URL="http://127.0.0.1:$S3PORT"
s3_bucket() {
  "$VENV_BIN/python" - "$S3_URL" <<'PY'
import sys

import boto3
from botocore.config import Config

s3 = boto3.client(
    "s3", endpoint_url=sys.argv[1], aws_access_key_id="test", aws_secret_access_key="test",
    region_name="eu-north-1", config=Config(connect_timeout=1, retries={"max_attempts": 1}),
)
try:
    s3.create_bucket(
        Bucket="svc-test", CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
    )
except s3.exceptions.BucketAlreadyOwnedByYou:
    pass
except Exception:
    sys.exit(1)
PY
}
S3_READY=
for _ in $(seq 60); do
  if s3_bucket 2>/dev/null; then S3_READY=1; break; fi
  kill -0 "$S3_PID" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$S3_READY" ]; then
  echo "The object store did not come up on $S3_URL; its log:" >&2
  cat "$RUN/s3.log" >&2
  exit 1
fi

export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/svc"
export REDIS_URL="redis://127.0.0.1:$REDISPORT/0"
export OIDC_TEST_ISSUER="$OIDC_URL"
OIDC_TEST_PROVIDER="$(sed -n 's/ listening on .*//p' "$RUN/oidc.log" | head -n1)"
export OIDC_TEST_PROVIDER
export S3_ENDPOINT_URL="$S3_URL"
export S3_ACCESS_KEY_ID=test
export S3_SECRET_ACCESS_KEY=test
export S3_REGION_NAME=eu-north-1
export SVC_TEST_S3_BUCKET=svc-test
export SVC_SERVICES_DIR="$RUN"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT, Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$REDISPORT (in $RUN)"
grep -m1 ' listening on ' "$RUN/oidc.log" || true
echo "Object store: moto $("$VENV_BIN/python" -c 'import moto; print(moto.__version__)') (S3) on 127.0.0.1:$S3PORT, bucket svc-test"
"$@"
