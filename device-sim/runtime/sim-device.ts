import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { BackoffOptions } from '../../common/retry.js';
import {
  commandResultsTopic,
  commandsWildcard,
  decodeJson,
  deviceErrorPayloadSchema,
  errorsTopic,
  eventsTopic,
  parseDeviceTopic,
  telemetryTopic,
  type CommandResultPayload,
  type EventPayload,
  type Reading,
} from '../../contracts/index.js';
import { handleCommand, type CommandEffect } from '../commands/handler.js';
import { RecentIds } from '../commands/recent-ids.js';
import { isFailed, stepDevice, withCalibration, withLoadLimit } from '../model/step.js';
import type { DeviceSpec, ModelState } from '../model/types.js';
import type { SimClock } from '../sim-clock.js';
import type { DeviceCredentials } from './credentials.js';
import { applyReconnectBackoff, reconnectDelay } from './reconnect-backoff.js';
import type { StatsCollector } from './stats.js';

const RECENT_COMMAND_IDS = 256;
// A broker that never answers DISCONNECT must not keep the process alive.
const STOP_GUARD_MS = 2_000;

/** What a device shares with the rest of its fleet. */
export interface DeviceEnv {
  url: string;
  qos: 0 | 1;
  clock: SimClock;
  stats: StatsCollector;
  backoff: BackoffOptions;
  /** A device with this many unacknowledged QoS 1 messages skips readings until some are acknowledged. */
  maxInFlight: number;
  keepaliveSec: number;
  connectTimeoutMs: number;
  notice(message: string): void;
  /** The fleet's scheduler takes the device's next reading at this wall time. */
  schedule(device: SimDevice, dueWallMs: number): void;
}

/** One simulated device: its model state plus one mqtt.js connection. */
export class SimDevice {
  intervalMs: number;
  private state: ModelState;
  private client: MqttClient | null = null;
  private up = false;
  private everConnected = false;
  private rebootTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private seq = 0;
  private inFlight = 0;
  private readonly seen = new RecentIds(RECENT_COMMAND_IDS);

  constructor(
    readonly spec: DeviceSpec,
    readonly key: number,
    initial: ModelState,
    intervalMs: number,
    private readonly env: DeviceEnv,
  ) {
    this.state = initial;
    this.intervalMs = intervalMs;
  }

  get connected(): boolean {
    return this.up && this.rebootTimer === null;
  }

  get modelState(): ModelState {
    return this.state;
  }

  get unacknowledged(): number {
    return this.inFlight;
  }

  /**
   * `clean: true`: the gateway keeps sessions in memory only, and commands for an offline device
   * wait in the hub, not in a broker session. Unacknowledged QoS 1 messages survive anyway,
   * because mqtt.js resends its outgoing store on every reconnect whatever the session flag.
   */
  connect(credentials: DeviceCredentials): void {
    if (this.stopped || this.client !== null) return;
    const options: IClientOptions = {
      clientId: credentials.clientId,
      username: credentials.username,
      password: credentials.password,
      protocolVersion: 4,
      clean: true,
      keepalive: this.env.keepaliveSec,
      connectTimeout: this.env.connectTimeoutMs,
      reconnectPeriod: reconnectDelay(0, this.env.backoff),
      // A device refused at CONNACK (say, not provisioned yet) keeps trying, with backoff.
      reconnectOnConnackError: true,
      resubscribe: false,
      // Readings taken while offline are skipped, not queued without bound.
      queueQoSZero: false,
    };
    const client = connect(this.env.url, options);
    this.client = client;
    applyReconnectBackoff(client, this.env.backoff);
    client.on('connect', () => this.onConnect(client));
    client.on('close', () => this.onClose());
    client.on('error', (err) => this.onError(err));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  /** Takes one reading at wall time `wallNowMs` and publishes it, with any events it raised. */
  sample(wallNowMs: number): void {
    const { stats, qos } = this.env;
    if (!this.connected) {
      stats.skipped.offline++;
      return;
    }
    if (this.inFlight >= this.env.maxInFlight) {
      stats.skipped.backpressure++;
      return;
    }
    const step = stepDevice(this.spec, this.state, this.env.clock.simAt(wallNowMs));
    this.state = step.state;
    for (const event of step.events) this.publishEvent(event);
    for (const late of step.late ?? []) this.publishReading(late, qos);
    if (step.reading !== null) this.publishReading(step.reading, qos);
  }

  /** Disconnects. `graceful` sends DISCONNECT; otherwise the socket is dropped. */
  async stop(graceful: boolean): Promise<void> {
    this.stopped = true;
    if (this.rebootTimer !== null) clearTimeout(this.rebootTimer);
    const client = this.client;
    if (client === null) return;
    await new Promise<void>((resolve) => {
      const guard = setTimeout(() => {
        client.stream?.destroy();
        resolve();
      }, STOP_GUARD_MS);
      client.end(!graceful || !client.connected, () => {
        clearTimeout(guard);
        resolve();
      });
    });
  }

  private onConnect(client: MqttClient): void {
    const { stats } = this.env;
    this.up = true;
    stats.connected++;
    if (this.everConnected) stats.reconnects++;
    const id = this.spec.deviceId;
    client.subscribe(
      { [commandsWildcard(id)]: { qos: 1 }, [errorsTopic(id)]: { qos: 0 } },
      (err, granted) => {
        if (err) this.countError('subscribe', `subscribe failed: ${err.message}`);
        else if (granted?.some((g) => g.qos === 128))
          this.countError('subscribe.refused', 'subscription refused by broker');
      },
    );
    if (!this.everConnected) {
      this.everConnected = true;
      stats.connectedOnce++;
      // Spread first readings over one interval so a ramped fleet does not publish in lockstep.
      const phase = (this.key * 0.618_033_988_75) % 1;
      this.env.schedule(this, Date.now() + phase * this.intervalMs);
    }
  }

  private onClose(): void {
    if (!this.up) return;
    this.up = false;
    this.env.stats.connected--;
  }

  private onError(err: Error & { code?: string | number }): void {
    const code = err.code === undefined ? 'other' : String(err.code);
    this.countError(`connection.${code}`, err.message);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parsed = parseDeviceTopic(topic);
    if (parsed?.deviceId !== this.spec.deviceId) {
      this.countError('unexpected-topic', `message on unexpected topic ${topic}`);
    } else if (parsed.kind === 'command') {
      this.onCommand(parsed.name, payload);
    } else if (parsed.kind === 'errors') {
      const decoded = decodeJson(deviceErrorPayloadSchema, payload);
      if (decoded.ok) this.countError(`gateway.${decoded.value.code}`, `gateway: ${decoded.value.message}`);
      else this.countError('gateway.unreadable', `unreadable error message: ${decoded.reason}`);
    } else {
      this.countError('unexpected-topic', `message on unexpected topic ${topic}`);
    }
  }

  private onCommand(name: string, payload: Buffer): void {
    const { stats } = this.env;
    const outcome = handleCommand(name, payload, {
      nowMs: Date.now(),
      machineFailed: isFailed(this.state),
      seen: this.seen,
    });
    if (outcome.kind === 'duplicate') {
      stats.duplicateCommands++;
      return;
    }
    if (outcome.kind === 'undecodable') {
      this.countError('command.undecodable', `command ${name} unreadable: ${outcome.reason}`);
      return;
    }
    stats.commands++;
    stats.commandResults[outcome.result.status]++;
    const effect = outcome.effect;
    if (effect?.kind === 'reboot') {
      // Answer first and wait for the acknowledgement: after a reboot nobody would resend it.
      this.publishResult(outcome.result, () => this.reboot(effect.delayMs));
      return;
    }
    if (effect !== null) this.apply(effect);
    this.publishResult(outcome.result);
  }

  private apply(effect: Exclude<CommandEffect, { kind: 'reboot' }>): void {
    switch (effect.kind) {
      case 'set-interval':
        this.intervalMs = effect.intervalMs;
        this.env.schedule(this, Date.now() + effect.intervalMs);
        return;
      case 'set-load': {
        // Bring wear up to now at the old rate, so the new rate counts only from here on.
        const step = stepDevice(this.spec, this.state, this.env.clock.simAt(Date.now()));
        this.state = withLoadLimit(step.state, effect.load);
        for (const event of step.events) this.publishEvent(event);
        for (const late of step.late ?? []) this.publishReading(late, this.env.qos);
        return;
      }
      case 'calibrate':
        this.state = withCalibration(this.state, this.env.clock.simAt(Date.now()));
        return;
    }
  }

  private reboot(delayMs: number): void {
    const client = this.client;
    if (client === null || this.stopped) return;
    this.rebootTimer = setTimeout(() => {
      this.rebootTimer = null;
      if (!this.stopped) client.reconnect();
    }, delayMs);
    client.end(false);
  }

  private publishEvent(event: EventPayload): void {
    if (event.type === 'failure') this.env.stats.failures++;
    this.env.stats.events++;
    this.publish(eventsTopic(this.spec.deviceId), event, 1);
  }

  private publishResult(result: CommandResultPayload, then?: () => void): void {
    this.env.stats.results++;
    this.publish(commandResultsTopic(this.spec.deviceId), result, 1, then);
  }

  private publishReading(measured: Reading, qos: 0 | 1): void {
    const reading: Reading = { ...measured, seq: this.seq++ };
    this.env.stats.sent++;
    this.publish(telemetryTopic(this.spec.deviceId), reading, qos);
  }

  private publish(
    topic: string,
    payload: Reading | EventPayload | CommandResultPayload,
    qos: 0 | 1,
    then?: () => void,
  ): void {
    const client = this.client;
    if (client === null) return;
    const { stats } = this.env;
    const startedAt = performance.now();
    if (qos === 1) {
      this.inFlight++;
      stats.inFlight++;
    }
    client.publish(topic, JSON.stringify(payload), { qos }, (err) => {
      if (qos === 1) {
        this.inFlight--;
        stats.inFlight--;
      }
      if (err) {
        this.countError('publish', `publish failed: ${err.message}`);
      } else if (qos === 1) {
        stats.acknowledged++;
        stats.latency.record(performance.now() - startedAt);
      }
      then?.();
    });
  }

  private countError(kind: string, message: string): void {
    if (this.env.stats.error(kind)) {
      this.env.notice(`${this.spec.deviceId}: ${message} (${kind}; further ones are counted, not shown)`);
    }
  }
}
