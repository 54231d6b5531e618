#!/usr/bin/env bash
# npm run infra:up — start the local Kafka broker and InfluxDB (idempotent) and wait until both answer.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$INFRA_DIR/kafka.sh" start
bash "$INFRA_DIR/influxdb.sh" start

wait_for() {
  local name="$1" pidfile="$2" logfile="$3" check="$4" timeout="${5:-90}"
  for _ in $(seq 1 "$((timeout * 4))"); do
    if eval "$check" >/dev/null 2>&1; then
      log "$name is ready"
      return 0
    fi
    if [[ -f "$pidfile" ]] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      tail -n 30 "$logfile" >&2 || true
      die "$name exited during start; see $logfile"
    fi
    sleep 0.25
  done
  tail -n 30 "$logfile" >&2 || true
  die "$name did not become ready within ${timeout}s; see $logfile"
}

wait_for InfluxDB "$INFLUX_DIR/influxd.pid" "$INFLUX_DIR/influxd.log" \
  "[[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$INFLUX_PORT/ping)\" == 204 ]]"
wait_for Kafka "$KAFKA_DIR/kafka.pid" "$KAFKA_DIR/kafka.log" \
  "node '$INFRA_DIR/kafka-ready.mjs' 127.0.0.1:$KAFKA_PORT"

log "Kafka: 127.0.0.1:$KAFKA_PORT  InfluxDB: http://127.0.0.1:$INFLUX_PORT  data: $DATA_DIR"
