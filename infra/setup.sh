#!/usr/bin/env bash
# npm run setup — install what a fresh Debian machine lacks for the demo and the tests:
# Debian packages (InfluxDB 1.x, kcat, mosquitto clients and broker, chromium) and the Kafka jars.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGES=(influxdb kcat mosquitto-clients mosquitto chromium fonts-dejavu-core docker-compose)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if ((${#missing[@]})); then
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
    die "missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}"
  fi
  log "installing Debian packages: ${missing[*]}"
  # Debian's influxdb and mosquitto packages start system services on install; ours run with
  # their own data and ports, so keep the package scripts from starting anything.
  guard_created=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    guard_created=1
  fi
  if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then apt-get update -q >&2; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 || {
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
  }
  ((guard_created)) && rm -f /usr/sbin/policy-rc.d
fi

bash "$INFRA_DIR/kafka.sh" resolve
log "setup complete"
