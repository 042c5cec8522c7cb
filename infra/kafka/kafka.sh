#!/usr/bin/env bash
# Local single-node KRaft Apache Kafka for TaskFlow dev/tests, from Maven Central jars (no Docker).
#
#   kafka.sh up      start (or reuse) the broker; prints `KAFKA_BROKERS=127.0.0.1:<port>` on stdout
#                    and writes the same line to <state>/kafka.env. Progress goes to stderr.
#   kafka.sh down    stop it (SIGTERM, SIGKILL after 30 s); fine when not running.
#   kafka.sh status  `kafka: running KAFKA_BROKERS=...` (exit 0) or `kafka: stopped` (exit 3, as LSB).
#
# State (config, data, log, pid): ${TASKFLOW_INFRA_DIR:-<repo>/.taskflow/infra}/kafka
# Jars: ${TASKFLOW_CACHE_DIR:-$HOME/.cache/taskflow}/kafka-<version>/libs, shared by all clones.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
STATE="${TASKFLOW_INFRA_DIR:-$ROOT/.taskflow/infra}/kafka"
# The pom is the single source of truth for the version.
VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/pom.xml")"
CACHE="${TASKFLOW_CACHE_DIR:-$HOME/.cache/taskflow}/kafka-$VERSION"
LIBS="$CACHE/libs"
PIDF="$STATE/kafka.pid" PORTF="$STATE/ports" LOG="$STATE/kafka.log" ENVF="$STATE/kafka.env"
START_TIMEOUT=90

say() { echo "kafka: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }
secs_since() { local d=$(( $(now_ms) - $1 )); printf '%d.%01d' $((d / 1000)) $((d % 1000 / 100)); }

# Tools are installed only when we can do it without asking (root); otherwise say what's missing.
need_tools() {
  local missing=() pkgs=()
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 && continue
    missing+=("$t")
    case "$t" in java) pkgs+=(openjdk-17-jre-headless) ;; mvn) pkgs+=(maven) ;; esac
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "kafka: missing ${missing[*]}: install ${pkgs[*]} (e.g. sudo apt-get install -y ${pkgs[*]})" >&2
    exit 1
  fi
  say "installing ${pkgs[*]} via apt-get"
  [[ -n ${APT_UPDATED:-} ]] || { apt-get update -qq >&2; APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >&2
  for t in "${missing[@]}"; do command -v "$t" >/dev/null || die "$t still not on PATH after apt-get install"; done
}

port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# Our pid only if it is still a Kafka JVM: guards against a recycled pid after a reboot/kill -9.
live_pid() {
  local pid
  pid="$(cat "$PIDF" 2>/dev/null)" || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && grep -qa 'kafka\.Kafka' "/proc/$pid/cmdline" 2>/dev/null \
    && echo "$pid"
}
recorded_port() { cut -d' ' -f1 "$PORTF" 2>/dev/null; }

fetch() {
  local pom_sum; pom_sum="$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)"
  # The marker (holding the pom hash) is written last, so a partial download or an
  # edited pom is never taken for a complete cache.
  if [[ "$(cat "$CACHE/.complete" 2>/dev/null)" == "$pom_sum" ]]; then return 0; fi
  need_tools mvn
  local t0 tmp; t0=$(now_ms)
  mkdir -p "$(dirname "$CACHE")"
  tmp="$(mktemp -d "$CACHE.tmp.XXXXXX")"
  # shellcheck disable=SC2064 # expand now: $tmp is local and gone by the time EXIT fires
  trap "rm -rf '$tmp'" EXIT
  say "fetching Kafka $VERSION jars from Maven Central into $CACHE"
  cp "$HERE/pom.xml" "$tmp/pom.xml"
  # Debian's mvn 3.8 emits stray ANSI resets even with -B; strip them (pipefail keeps mvn's status).
  (cd "$tmp" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/libs" 2>&1 \
    | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d' >&2) || die "mvn dependency:copy-dependencies failed"
  [[ -f $tmp/libs/kafka_2.13-$VERSION.jar ]] || die "kafka_2.13-$VERSION.jar missing after fetch"
  rm -f "$tmp/pom.xml"
  echo "$pom_sum" >"$tmp/.complete"
  # Another clone may have finished the same fetch meanwhile and be running from it: keep theirs.
  if [[ "$(cat "$CACHE/.complete" 2>/dev/null)" == "$pom_sum" ]]; then rm -rf "$tmp"
  else rm -rf "$CACHE" && mv -T "$tmp" "$CACHE"; fi
  trap - EXIT
  local jars=("$LIBS"/*.jar)
  say "fetch took $(secs_since "$t0")s (${#jars[@]} jars)"
}

# Reuse last run's ports so KAFKA_BROKERS stays stable; else prefer 19092/19093; else scan.
pick_ports() {
  local p c
  { read -r p c <"$PORTF"; } 2>/dev/null || true
  if [[ -n ${p:-} && -n ${c:-} ]] && ! port_open "$p" && ! port_open "$c"; then echo "$p $c"; return; fi
  for ((p = 19092; p < 19990; p += 2)); do
    c=$((p + 1))
    if ! port_open "$p" && ! port_open "$c"; then echo "$p $c"; return; fi
  done
  die "no free port pair found in 19092-19990"
}

java_run() { # $1 = main class; logs to stderr, program output on stdout
  local cls="$1"; shift
  java -Xmx256m -Dlog4j2.configurationFile="$HERE/log4j2.properties" -cp "$LIBS/*" "$cls" "$@"
}

stop() {
  local pid i
  if pid="$(live_pid)"; then
    say "stopping broker (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then say "still alive after 30s, SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$PIDF" "$ENVF"
}

up() {
  local pid port cport cid t0 i ports
  if pid="$(live_pid)" && port="$(recorded_port)" && port_open "$port"; then
    say "reusing running broker (pid $pid)"
  else
    # Either nothing runs, the pid file is stale (crash/kill -9), or the JVM is hung: start clean.
    stop
    need_tools java
    fetch
    ports="$(pick_ports)"; read -r port cport <<<"$ports"
    echo "$port $cport" >"$PORTF"
    mkdir -p "$STATE/data" "$STATE/logs"
    sed -e "s#@PORT@#$port#g" -e "s#@CONTROLLER_PORT@#$cport#g" -e "s#@DATA_DIR@#$STATE/data#g" \
      "$HERE/server.properties.template" >"$STATE/server.properties"
    if [[ ! -f $STATE/data/meta.properties ]]; then
      # A data dir without meta.properties is a half-finished format; formatting needs it empty.
      rm -rf "$STATE/data" && mkdir -p "$STATE/data"
      cid="$(cat "$STATE/cluster.id" 2>/dev/null || true)"
      [[ -n $cid ]] || cid="$(java_run kafka.tools.StorageTool random-uuid 2>>"$LOG")" \
        || die "StorageTool random-uuid failed; see $LOG"
      echo "$cid" >"$STATE/cluster.id"
      say "formatting storage (cluster id $cid)"
      java_run kafka.tools.StorageTool format -t "$cid" -c "$STATE/server.properties" >&2 2>>"$LOG" \
        || die "storage format failed; see $LOG"
    fi
    [[ -f $LOG ]] && mv -f "$LOG" "$LOG.1"
    t0=$(now_ms)
    say "starting broker on 127.0.0.1:$port (controller $cport)"
    rm -f "$PIDF"
    # setsid+nohup: the broker must outlive the calling shell/CI step. The inner bash writes its
    # own pid before exec'ing java, so the pid file is the JVM's pid whether or not setsid forks.
    # fd 9 (our lock) is closed so the JVM does not hold it forever.
    # shellcheck disable=SC2016 # $$/$1/$@ belong to the inner shell
    setsid nohup bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PIDF" \
      java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$HERE/log4j2.properties" -Dkafka.logs.dir="$STATE/logs" \
      -cp "$LIBS/*" kafka.Kafka "$STATE/server.properties" >"$LOG" 2>&1 </dev/null 9>&- &
    for ((i = 0; i < START_TIMEOUT * 2; i++)); do
      sleep 0.5
      pid="$(cat "$PIDF" 2>/dev/null || true)"
      if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then break; fi  # died: fail fast
      # Port open alone is too early (listeners bind before the controller has a leader);
      # this line is logged once the broker has caught up with metadata and is unfenced.
      if grep -q 'Kafka Server started' "$LOG" 2>/dev/null && port_open "$port"; then break; fi
    done
    if ! pid="$(live_pid)" || ! grep -q 'Kafka Server started' "$LOG" 2>/dev/null; then
      if live_pid >/dev/null; then say "broker not ready after ${START_TIMEOUT}s"; else say "broker exited during startup"; fi
      say "last 40 lines of $LOG:"
      tail -n 40 "$LOG" >&2 || true
      stop
      exit 1
    fi
    say "broker started in $(secs_since "$t0")s (pid $pid, log $LOG)"
  fi
  echo "KAFKA_BROKERS=127.0.0.1:$port" >"$ENVF"
  cat "$ENVF"
}

status() {
  local port
  if live_pid >/dev/null && port="$(recorded_port)" && port_open "$port"; then
    echo "kafka: running KAFKA_BROKERS=127.0.0.1:$port"
  else
    echo "kafka: stopped"; exit 3
  fi
}

mkdir -p "$STATE"
# Serialise concurrent up/down calls (parallel test runners) on one state dir.
exec 9>"$STATE/.lock"
flock 9
case "${1:-}" in
  up) up ;;
  down) stop; say "stopped" ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
