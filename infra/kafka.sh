#!/usr/bin/env bash
# Starts (or finds running) a single-node KRaft Kafka broker as a plain java process.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PIDFILE="$KAFKA_DIR/kafka.pid"
PATTERN="kafka.Kafka $KAFKA_DIR/server.properties"

resolve_jars() {
  if [[ -f "$KAFKA_LIBS/.complete" ]]; then return 0; fi
  require_command mvn "Install Apache Maven (Debian: apt-get install maven), or run: npm run setup"
  log "resolving Apache Kafka $KAFKA_VERSION from Maven Central into $KAFKA_LIBS"
  rm -rf "$KAFKA_LIBS"
  mkdir -p "$KAFKA_LIBS"
  mvn -q -B -f "$INFRA_DIR/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" >&2 ||
    die "Maven could not resolve the Kafka broker jars (see the output above)"
  touch "$KAFKA_LIBS/.complete"
}

write_properties() {
  mkdir -p "$KAFKA_DIR/logs"
  cat >"$KAFKA_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DIR/logs
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.cleaner.dedupe.buffer.size=2097152
auto.create.topics.enable=false
delete.topic.enable=true
PROPS
}

start() {
  require_command java "Install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)"
  if pid_alive "$PIDFILE" "$PATTERN"; then
    log "Kafka is already running (pid $(cat "$PIDFILE")) on 127.0.0.1:$KAFKA_PORT"
    return 0
  fi
  if port_in_use "$KAFKA_PORT"; then
    die "port $KAFKA_PORT is in use by a process these scripts did not start; stop it or set KAFKA_PORT"
  fi
  resolve_jars
  write_properties
  if [[ ! -f "$KAFKA_DIR/cluster-id" ]]; then
    java -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1 >"$KAFKA_DIR/cluster-id"
  fi
  java -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format -t "$(cat "$KAFKA_DIR/cluster-id")" \
    -c "$KAFKA_DIR/server.properties" --ignore-formatted >"$KAFKA_DIR/format.log" 2>&1 ||
    die "formatting Kafka storage failed; see $KAFKA_DIR/format.log"
  log "starting Kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT (log: $KAFKA_DIR/kafka.log)"
  nohup setsid java -Xms128m "-Xmx$KAFKA_HEAP" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_DIR/server.properties" \
    >"$KAFKA_DIR/kafka.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
}

case "${1:-start}" in
  start) start ;;
  stop) stop_pid Kafka "$PIDFILE" "$PATTERN" 30 ;;
  resolve) resolve_jars ;;
  *) die "usage: kafka.sh start|stop|resolve" ;;
esac
