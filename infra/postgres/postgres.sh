#!/usr/bin/env bash
# A private PostgreSQL cluster for development and tests, from Debian's packages, in a git-ignored
# folder of the project on its own loopback port. `up` is idempotent and recovers after a crash.
# Usage: postgres.sh up|down|status   (up prints DATABASE_URL=... on stdout; chatter goes to stderr)
# status exits 0 when running, 3 when stopped.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE="${TASKFLOW_INFRA_DIR:-$ROOT/.taskflow/infra}/postgres"
DATA="$STATE/data"
ENV_FILE="$STATE/postgres.env"
DB_USER=taskflow
DB_NAME=taskflow
log() { printf '[postgres] %s\n' "$*" >&2; }

find_bin_dir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { printf '%s\n' "$dir"; return 0; }
  done
  return 1
}

ensure_installed() {
  BIN=$(find_bin_dir) && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL is not installed: run 'sudo apt-get install -y postgresql' (or set DATABASE_URL)."
    exit 1
  fi
  log "installing PostgreSQL from Debian's packages"
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  BIN=$(find_bin_dir)
}

# PostgreSQL refuses to run as root, so root runs it as the packages' own 'postgres' user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

is_running() { [ -f "$DATA/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

current_port() { sed -n 's/^port = \([0-9]*\).*/\1/p' "$DATA/postgresql.auto.conf" 2>/dev/null | tail -1; }

url() { printf 'postgres://%s@127.0.0.1:%s/%s' "$DB_USER" "$(current_port)" "$DB_NAME"; }

init_cluster() {
  mkdir -p "$STATE"
  [ "$(id -u)" -eq 0 ] && chown postgres "$STATE"
  log "creating a cluster in $DATA"
  as_owner "$BIN/initdb" -D "$DATA" -U "$DB_USER" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  local port=55432
  port_in_use "$port" && port=$(free_port)
  cat >>"$DATA/postgresql.auto.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$DATA'
max_connections = 300
shared_buffers = 256MB
wal_level = logical
max_wal_size = 2GB
CONF
}

up() {
  ensure_installed
  [ -f "$DATA/PG_VERSION" ] || init_cluster
  if ! is_running; then
    rm -f "$DATA/postmaster.pid"
    local port
    port=$(current_port)
    if port_in_use "$port"; then
      port=$(free_port)
      log "port taken, moving to $port"
      sed -i "s/^port = .*/port = $port/" "$DATA/postgresql.auto.conf"
    fi
    local started=$SECONDS
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$STATE/postgres.log" -w -t 60 start >/dev/null
    log "started in $((SECONDS - started)) s"
  fi
  local tries=0
  until "$BIN/pg_isready" -q -h 127.0.0.1 -p "$(current_port)"; do
    tries=$((tries + 1)); [ $tries -gt 60 ] && { log "not accepting connections"; tail -20 "$STATE/postgres.log" >&2; exit 1; }
    sleep 0.5
  done
  "$BIN/psql" -qtA -h 127.0.0.1 -p "$(current_port)" -U "$DB_USER" -d postgres \
    -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1 ||
    "$BIN/createdb" -h 127.0.0.1 -p "$(current_port)" -U "$DB_USER" "$DB_NAME"
  printf 'DATABASE_URL=%s\n' "$(url)" | tee "$ENV_FILE"
}

down() {
  BIN=$(find_bin_dir) || return 0
  if is_running; then as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; log "stopped"; fi
  rm -f "$ENV_FILE"
}

status() {
  BIN=$(find_bin_dir) || { echo "postgres: not installed"; return 3; }
  if is_running; then echo "postgres: running DATABASE_URL=$(url)"; else echo "postgres: stopped"; return 3; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
