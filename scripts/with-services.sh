#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster and Redis server on loopback in a temporary
# folder, run the given command with DATABASE_URL and REDIS_URL set, and stop
# both afterwards, also when the command fails or is interrupted.
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

RUN=$(mktemp -d /tmp/svc-services.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PGPORT=$(free_port)
REDISPORT=$(free_port)

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" -eq 0 ] && chown postgres "$RUN"

stop_services() {
  local rc=$?
  redis-cli -p "$REDISPORT" shutdown nosave >/dev/null 2>&1 || true
  as_pg "$PGBIN/pg_ctl" -D "$RUN/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$RUN"
  echo "Stopped the throwaway PostgreSQL and Redis."
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

export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/svc"
export REDIS_URL="redis://127.0.0.1:$REDISPORT/0"
export SVC_SERVICES_DIR="$RUN"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT, Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$REDISPORT (in $RUN)"
"$@"
