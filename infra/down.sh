#!/usr/bin/env bash
# npm run infra:down — stop exactly the processes infra:up started, by pid.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$INFRA_DIR/influxdb.sh" stop
bash "$INFRA_DIR/kafka.sh" stop
