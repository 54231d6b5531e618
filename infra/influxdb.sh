#!/usr/bin/env bash
# Starts (or finds running) InfluxDB 1.x from Debian's influxdb package with its own data directory.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PIDFILE="$INFLUX_DIR/influxd.pid"
PATTERN="influxd run -config $INFLUX_DIR/influxdb.conf"

write_config() {
  mkdir -p "$INFLUX_DIR/meta" "$INFLUX_DIR/data" "$INFLUX_DIR/wal"
  cat >"$INFLUX_DIR/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$INFLUX_RPC_PORT"

[meta]
  dir = "$INFLUX_DIR/meta"

[data]
  dir = "$INFLUX_DIR/data"
  wal-dir = "$INFLUX_DIR/wal"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:$INFLUX_PORT"
  log-enabled = false

[continuous_queries]
  log-enabled = false
CONF
}

start() {
  local influxd
  influxd="$(command -v influxd || true)"
  [[ -n "$influxd" ]] || die "'influxd' was not found. Install Debian's InfluxDB 1.x: apt-get install influxdb (or run: npm run setup)"
  if pid_alive "$PIDFILE" "$PATTERN"; then
    log "InfluxDB is already running (pid $(cat "$PIDFILE")) on 127.0.0.1:$INFLUX_PORT"
    return 0
  fi
  if port_in_use "$INFLUX_PORT"; then
    die "port $INFLUX_PORT is in use by a process these scripts did not start (a system influxdb service?); stop it or set INFLUX_PORT"
  fi
  write_config
  log "starting InfluxDB on 127.0.0.1:$INFLUX_PORT (log: $INFLUX_DIR/influxd.log)"
  nohup setsid "$influxd" run -config "$INFLUX_DIR/influxdb.conf" >"$INFLUX_DIR/influxd.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
}

case "${1:-start}" in
  start) start ;;
  stop) stop_pid InfluxDB "$PIDFILE" "$PATTERN" 20 ;;
  *) die "usage: influxdb.sh start|stop" ;;
esac
