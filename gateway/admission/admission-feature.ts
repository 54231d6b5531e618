import type { Aedes, Client } from 'aedes';
import type { Feature, HealthFragment } from '../../common/process/feature.js';
import type { GatewayContext } from '../context.js';
import {
  listenMqttSecureWebSocket,
  listenMqttTcp,
  listenMqttTls,
  listenMqttWebSocket,
  type Listener,
  type TlsMaterial,
} from '../listeners.js';
import type { PresenceFeature } from '../presence-feature.js';
import type { RegistrySync } from '../registry-sync.js';
import type { UplinkFeature } from '../uplink/uplink-feature.js';
import { connectionPolicy } from './connection-policy.js';
import { disconnectOnRotation } from './disconnect-on-rotation.js';

export interface MqttPorts {
  mqtt?: number;
  mqttWs?: number;
  mqtts?: number;
  mqttWss?: number;
}

const PORT_KEYS: Readonly<Record<string, keyof MqttPorts>> = {
  mqtt: 'mqtt',
  'mqtt-ws': 'mqttWs',
  mqtts: 'mqtts',
  'mqtt-wss': 'mqttWss',
};

// aedes keeps its clients and their pause() out of its type declarations.
function pausableClients(broker: Aedes): (Client & { pause(): void })[] {
  return Object.values(
    (broker as unknown as { clients: Record<string, Client & { pause(): void }> }).clients,
  );
}

/**
 * Devices in and out: the MQTT listeners open last, once everything a device needs runs, and
 * close first. Stopping drains: no new connections, nothing more read from devices, what they
 * sent flushed to Kafka (and so PUBACKed) before their connections close.
 */
export class AdmissionFeature implements Feature {
  readonly name = 'admission';
  readonly ports: MqttPorts = {};
  private readonly listeners: Listener[] = [];
  private started = false;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly tls: TlsMaterial | undefined,
    private readonly uplink: UplinkFeature,
    private readonly presence: PresenceFeature,
    private readonly registry: RegistrySync | undefined,
  ) {}

  async start(): Promise<void> {
    const { config, log, metrics, boundary } = this.ctx;
    const { broker } = this.uplink;
    if (this.registry) disconnectOnRotation(this.registry.view, broker, boundary, log);
    const policy = connectionPolicy(config, broker, metrics, boundary);
    const { mqtt } = config;
    if (mqtt.plainListeners === 'on') {
      this.listeners.push(await listenMqttTcp(broker, mqtt.port, policy));
      this.listeners.push(await listenMqttWebSocket(broker, mqtt.wsPort, policy));
    }
    if (this.tls) {
      this.listeners.push(await listenMqttTls(broker, mqtt.tlsPort, policy, this.tls));
      this.listeners.push(await listenMqttSecureWebSocket(broker, mqtt.wssPort, policy, this.tls));
    }
    for (const listener of this.listeners) {
      const key = PORT_KEYS[listener.name];
      if (key) this.ports[key] = listener.port();
    }
    this.started = true;
  }

  /** Unhealthy until devices may connect, and again once the broker closed. */
  health(): HealthFragment {
    if (!this.started) return { healthy: false };
    const { broker } = this.uplink;
    return { healthy: !broker.closed, connections: broker.connectedClients };
  }

  async stop(): Promise<void> {
    if (this.listeners.length === 0 && !this.started) return;
    const { config, log } = this.ctx;
    const started = Date.now();
    const remaining = (): number => Math.max(0, config.gateway.shutdownTimeoutMs - (Date.now() - started));
    const closingListeners = Promise.all(this.listeners.map((l) => l.close()));
    const { broker, batcher } = this.uplink;
    // Read nothing more from devices, then flush, so that what reached Kafka is PUBACKed
    // before the connections close; a device resends anything it did not see acknowledged.
    for (const client of pausableClients(broker)) client.pause();
    if (!(await batcher.flushWithin(remaining() / 2)))
      log.warn('Kafka flush timed out; unacknowledged messages will be resent by devices');
    this.presence.tracker?.beginShutdown();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await closingListeners;
    await batcher.close(remaining());
  }
}
