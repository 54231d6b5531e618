import {
  Aedes,
  type AedesPublishPacket,
  type AuthenticateError,
  type Client,
  type PublishPacket,
  type Subscription,
} from 'aedes';
import {
  errorsTopic,
  type CommandStatusRecord,
  type DeviceErrorCode,
  type kafkaTopicNames,
} from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import type { OutRecord, RecordBatcher } from '../../common/kafka/record-batcher.js';
import type { AuthRefusal, DeviceAuthenticator } from '../auth/authenticator.js';
import type { GatewayMetrics } from '../metrics.js';
import { deadLetterRecord } from '../uplink/dead-letter.js';
import { translateUplink } from '../uplink/translate.js';
import { decidePublish, decideSubscribe } from './topic-policy.js';

export interface DeviceBrokerOptions {
  gatewayId: string;
  topics: ReturnType<typeof kafkaTopicNames>;
  maxPayloadBytes: number;
  /** QoS 1 records wait for room before joining a queue this large. */
  maxInflightBytes: number;
  connectTimeoutMs: number;
  drainTimeoutMs: number;
  keepaliveLimitS: number;
}

export interface DeviceBrokerDeps {
  batcher: RecordBatcher;
  authenticator: DeviceAuthenticator;
  metrics: GatewayMetrics;
  logger: Logger;
  /** False when this client id is connecting too often. */
  admitConnect: (clientId: string) => boolean;
  /** The downlink's view of commands, to check device results against. */
  commands: {
    knows(deviceId: string, commandId: string): boolean;
    finished(status: CommandStatusRecord): void;
  };
  now?: () => number;
}

// MQTT 3.1.1 CONNACK return codes [MQTT-3.2.2.3].
const CONNACK_CODE: Record<AuthRefusal, AuthenticateError['returnCode']> = {
  identifier_rejected: 2,
  unavailable: 3,
  bad_credentials: 4,
  not_authorized: 5,
};

function authError(refusal: AuthRefusal, reason: string): AuthenticateError {
  const error = new Error(reason) as AuthenticateError;
  error.returnCode = CONNACK_CODE[refusal];
  return error;
}

/**
 * The MQTT side of the gateway: an aedes broker whose hooks enforce the device API.
 * Device messages go to Kafka from `authorizePublish`, because aedes writes the PUBACK of a
 * QoS 1 message only after that hook calls back: the acknowledgement thus waits for Kafka's.
 */
export async function createDeviceBroker(
  options: DeviceBrokerOptions,
  deps: DeviceBrokerDeps,
): Promise<Aedes> {
  const { batcher, authenticator, metrics, logger } = deps;
  const now = deps.now ?? Date.now;

  const broker = await Aedes.createBroker({
    id: options.gatewayId,
    connectTimeout: options.connectTimeoutMs,
    drainTimeout: options.drainTimeoutMs,
    keepaliveLimit: options.keepaliveLimitS,
    maxClientsIdLength: 64,
    maxTopicLevels: 8,
    queueLimit: 42,
    // Devices never exchange messages through the broker, so no heartbeat traffic is needed.
    heartbeatInterval: 60_000,
  });

  const notifyDevice = (deviceId: string, code: DeviceErrorCode, message: string, topic: string): void => {
    const payload = Buffer.from(
      JSON.stringify({ code, message: message.slice(0, 1024), topic: topic.slice(0, 1024) }),
    );
    broker.publish(
      { cmd: 'publish', topic: errorsTopic(deviceId), payload, qos: 0, retain: false, dup: false },
      () => undefined,
    );
  };

  const send = (records: OutRecord[], qos: number): Promise<void> => {
    if (qos === 0) {
      for (const r of records) {
        if (!batcher.offer(r)) metrics.dropped.inc();
      }
      return Promise.resolve();
    }
    return batcher
      .hasRoom(options.maxInflightBytes)
      .then(() => Promise.all(records.map((r) => batcher.enqueue(r))))
      .then(() => undefined);
  };

  broker.authenticate = (client, username, password, done) => {
    if (!deps.admitConnect(client.id)) {
      metrics.authFailures.inc({ reason: 'rate_limited' });
      logger.warn({ clientId: client.id }, 'connection refused: too many attempts');
      done(authError('unavailable', 'too many connection attempts'), false);
      return;
    }
    authenticator.authenticate(client.id, username, password).then(
      (outcome) => {
        if (outcome.ok) return done(null, true);
        metrics.authFailures.inc({ reason: outcome.refusal });
        logger.warn({ clientId: client.id, reason: outcome.reason }, 'connection refused');
        done(authError(outcome.refusal, outcome.reason), false);
      },
      (error: unknown) => {
        metrics.authFailures.inc({ reason: 'unavailable' });
        logger.error({ err: error, clientId: client.id }, 'authentication failed');
        done(authError('unavailable', 'authentication is unavailable'), false);
      },
    );
  };

  broker.authorizePublish = (client: Client | null, packet: PublishPacket, done) => {
    if (!client) return done(new Error('no client'));
    if (packet.topic.startsWith('$SYS')) return done(new Error('$SYS topics are reserved'));
    // Devices never leave retained state in the broker.
    packet.retain = false;
    const deviceId = client.id;
    const receivedAt = now();
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    metrics.bytesIn.inc(payload.length);

    const refuse = (code: DeviceErrorCode, reason: string, deviceIdForRecord: string | undefined): void => {
      metrics.rejections.inc({ reason: code });
      logger.debug({ deviceId, topic: packet.topic, code, reason }, 'device message refused');
      const dead = deadLetterRecord(
        {
          code,
          reason,
          topic: packet.topic,
          clientId: client.id,
          payload,
          at: receivedAt,
          ...(deviceIdForRecord ? { deviceId: deviceIdForRecord } : {}),
        },
        options.topics,
        options.gatewayId,
      );
      notifyDevice(deviceId, code, reason, packet.topic);
      send([dead], packet.qos).then(
        () => done(null),
        (error: unknown) => done(error as Error),
      );
    };

    const decision = decidePublish(deviceId, packet.topic);
    if (!decision.allowed) {
      metrics.messagesIn.inc({ kind: 'refused', qos: String(packet.qos) });
      return refuse(decision.code, decision.reason, deviceId);
    }
    metrics.messagesIn.inc({ kind: decision.kind, qos: String(packet.qos) });
    const result = translateUplink(decision.kind, payload, {
      deviceId,
      gatewayId: options.gatewayId,
      topics: options.topics,
      receivedAt,
      maxPayloadBytes: options.maxPayloadBytes,
    });
    if (!result.ok) return refuse(result.code, result.reason, deviceId);
    if (decision.kind === 'command-results') {
      const status = JSON.parse(result.records[0]?.value.toString() ?? '{}') as CommandStatusRecord;
      if (!deps.commands.knows(deviceId, status.id)) {
        return refuse('unknown_command', `no command ${status.id} is known for this device`, deviceId);
      }
      deps.commands.finished(status);
    }
    send(result.records, packet.qos).then(
      () => done(null),
      // No PUBACK: the connection closes and the device sends the message again.
      (error: unknown) => done(error as Error),
    );
  };

  broker.authorizeSubscribe = (client: Client, subscription: Subscription, done) => {
    if (decideSubscribe(client.id, subscription.topic)) return done(null, subscription);
    metrics.rejections.inc({ reason: 'subscription_not_allowed' });
    logger.debug({ deviceId: client.id, topic: subscription.topic }, 'subscription refused');
    // A null subscription makes aedes answer SUBACK 0x80 for it [MQTT-3.9.3].
    done(null, null);
  };

  // What a device publishes goes to Kafka only; the broker relays nothing from one client to another.
  broker.authorizeForward = (_client: Client, packet: AedesPublishPacket) =>
    (packet as AedesPublishPacket & { clientId?: string }).clientId ? null : packet;

  return broker;
}
