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
  type JsonLimits,
  type kafkaTopicNames,
} from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import type { OutRecord, RecordBatcher, Settled } from '../../common/kafka/record-batcher.js';
import type { AuthRefusal, DeviceAuthenticator } from '../auth/authenticator.js';
import type { GatewayMetrics } from '../metrics.js';
import { isRecordRejected } from '../../common/kafka/errors.js';
import { once, type Boundary } from '../safety/boundary.js';
import { describeMisfit } from '../../common/kafka/record-limits.js';
import { deadLetterRecord, type DeadLetterBudget } from '../uplink/dead-letter.js';
import { ConnectionUplinks } from '../uplink/connection-uplink.js';
import { translateUplink, type UplinkResult } from '../uplink/translate.js';
import { guardBrokerEvents, routeOnlyGatewayMessages } from './broker-guards.js';
import { connectProblem } from './connect-policy.js';
import { InboundQos2, type IncomingStore } from './inbound-qos2.js';
import { SliceBudget } from './slice-budget.js';
import { decideSubscribe } from './topic-policy.js';

export interface DeviceBrokerOptions {
  gatewayId: string;
  topics: ReturnType<typeof kafkaTopicNames>;
  maxPayloadBytes: number;
  /** QoS 1 records wait for room before joining a queue this large. */
  maxInflightBytes: number;
  connectTimeoutMs: number;
  drainTimeoutMs: number;
  keepaliveLimitS: number;
  jsonLimits: JsonLimits;
  /** How much of a refused payload its dead letter keeps, and the limits the dead letter must fit. */
  deadLetter?: DeadLetterBudget;
  /** Device messages handled in one event-loop slice before the rest wait (default 5 ms). */
  sliceBudgetMs?: number;
}

export interface DeviceBrokerDeps {
  batcher: RecordBatcher;
  authenticator: DeviceAuthenticator;
  metrics: GatewayMetrics;
  logger: Logger;
  boundary: Boundary;
  /** False when this client id is connecting too often. */
  admitConnect: (clientId: string) => boolean;
  /** The downlink's view of commands, to check device results against. */
  commands: {
    knows(deviceId: string, commandId: string): boolean;
    finished(status: CommandStatusRecord): void;
    /** False for a command the broker still holds for a session but that expired or finished meanwhile. */
    mayForward(topic: string, payload: Buffer | string): boolean;
  };
  now?: () => number;
}

const MAX_INBOUND_QOS2 = 100;
const DEFAULT_SLICE_BUDGET_MS = 5;

// MQTT 3.1.1 CONNACK return codes [MQTT-3.2.2.3].
const CONNACK_CODE: Record<AuthRefusal, AuthenticateError['returnCode']> = {
  identifier_rejected: 2,
  unavailable: 3,
  bad_credentials: 4,
  not_authorized: 5,
};

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 256);
}

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
  const { batcher, authenticator, metrics, logger, boundary } = deps;
  const now = deps.now ?? Date.now;

  const broker = await Aedes.createBroker({
    id: options.gatewayId,
    connectTimeout: options.connectTimeoutMs,
    drainTimeout: options.drainTimeoutMs,
    keepaliveLimit: options.keepaliveLimitS,
    maxClientsIdLength: 64,
    maxTopicLevels: 8,
    queueLimit: 42,
    // QoS 2 messages a device may have awaiting PUBREL; past it aedes closes the connection.
    maxInflightInbound: MAX_INBOUND_QOS2,
    // Devices never exchange messages through the broker, so no heartbeat traffic is needed.
    heartbeatInterval: 60_000,
  });
  routeOnlyGatewayMessages(broker);
  guardBrokerEvents(broker, boundary);
  const uplinks = new ConnectionUplinks(options.gatewayId);
  const slices = new SliceBudget({
    budgetMs: options.sliceBudgetMs ?? DEFAULT_SLICE_BUDGET_MS,
    onError: (error) => boundary.failed('slice_budget', error),
  });
  const qos2 = new InboundQos2((broker as unknown as { persistence: IncomingStore }).persistence);
  // Why a CONNECT asks for something no device may have; refused once authentication is reached.
  const connectRefusals = new WeakMap<Client, string>();
  // A connection that fails before CONNECT completes: no device id, so counted here, not in presence.
  broker.on('connectionError', (_client: Client, error: Error) => {
    const timedOut = /did not arrive in time/.test(error.message);
    metrics.connectionsRefused.inc({ reason: timedOut ? 'connect_timeout' : 'protocol_error' });
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

  // Called back once Kafka acknowledged every record (QoS 0: once they are queued, or dropped).
  // No promise per message: on the device's hot path, and often synchronous when there is room.
  const send = (records: OutRecord[], qos: number, settled: Settled): void => {
    if (qos === 0) {
      for (const r of records) {
        if (!batcher.offer(r)) metrics.dropped.inc();
      }
      // Not from inside the hook: aedes goes on with the next packet from its callback.
      return process.nextTick(settled);
    }
    if (batcher.hasRoomNow(options.maxInflightBytes)) return batcher.enqueueAll(records, settled);
    batcher.hasRoom(options.maxInflightBytes).then(
      () => batcher.enqueueAll(records, settled),
      (error: unknown) => settled(error as Error),
    );
  };

  // The authenticator logs its refusals (sampled); here they are counted and answered.
  const authenticate = (
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void => {
    const problem = connectRefusals.get(client);
    if (problem !== undefined) {
      metrics.authFailures.inc({ reason: 'connect_refused' });
      logger.debug({ clientId: client.id, reason: problem }, 'connection refused');
      return done(authError('not_authorized', problem), false);
    }
    authenticator.authenticate(client.id, username, password).then(
      (outcome) => {
        if (!outcome.ok) {
          metrics.authFailures.inc({ reason: outcome.code });
          return done(authError(outcome.code, outcome.reason), false);
        }
        // Asked only once the secret is proven, so CONNECTs of others carrying this id spend nothing.
        if (!deps.admitConnect(outcome.value)) {
          metrics.authFailures.inc({ reason: 'rate_limited' });
          return done(authError('unavailable', 'too many connects for this client id'), false);
        }
        done(null, true);
      },
      (error: unknown) => {
        metrics.authFailures.inc({ reason: 'unavailable' });
        logger.error({ err: error, clientId: client.id }, 'authentication failed');
        done(authError('unavailable', 'authentication is unavailable'), false);
      },
    );
  };
  broker.authenticate = (client, username, password, callback) => {
    const done = once(callback);
    boundary.run(
      'authenticate',
      () => authenticate(client, username, password, done),
      () => done(authError('unavailable', 'authentication is unavailable'), false),
    );
  };

  // The dead letter of a message the gateway refused, or failed to handle: once it is in Kafka the
  // device gets its PUBACK, so a refused message is not resent forever; a notice tells it why.
  const refuse = (
    client: Client,
    packet: PublishPacket,
    payload: Buffer,
    receivedAt: number,
    failure: { code: DeviceErrorCode; reason: string },
    done: (error?: Error | null) => void,
  ): void => {
    metrics.rejections.inc({ reason: failure.code });
    logger.debug({ deviceId: client.id, topic: packet.topic, ...failure }, 'device message refused');
    const dead = deadLetterRecord(
      {
        code: failure.code,
        reason: failure.reason,
        topic: packet.topic,
        clientId: client.id,
        payload,
        at: receivedAt,
        deviceId: client.id,
      },
      options.topics,
      options.gatewayId,
      options.deadLetter,
    );
    notifyDevice(client.id, failure.code, failure.reason, packet.topic);
    send([dead], packet.qos, (error) => {
      // A dead letter Kafka will never take is counted by the batcher; resending cannot help.
      if (error === undefined || isRecordRejected(error)) return done(null);
      done(error);
    });
  };

  const forward = (client: Client, packet: PublishPacket, done: (error?: Error | null) => void): void => {
    // Devices never leave retained state in the broker.
    packet.retain = false;
    const deviceId = client.id;
    const receivedAt = now();
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);

    const uplink = uplinks.of(client, deviceId);
    const decision = uplink.decide(packet.topic);
    if (!decision.allowed) {
      metrics.uplink.add('refused', packet.qos, payload.length);
      return refuse(client, packet, payload, receivedAt, decision, done);
    }
    metrics.uplink.add(decision.kind, packet.qos, payload.length);
    let result: UplinkResult;
    try {
      result = translateUplink(decision.kind, payload, {
        deviceId,
        gatewayId: options.gatewayId,
        topics: options.topics,
        receivedAt,
        maxPayloadBytes: options.maxPayloadBytes,
        jsonLimits: options.jsonLimits,
        headers: uplink.headers,
      });
    } catch (error) {
      boundary.failed('translate_uplink', error);
      result = { ok: false, code: 'internal_error', reason: 'the gateway could not process this message' };
    }
    if (!result.ok) return refuse(client, packet, payload, receivedAt, result, done);
    // Refused as a whole before any record is queued: Kafka would never take this one.
    const misfit = batcher.firstMisfit(result.records);
    if (misfit) {
      const failure = { code: 'payload_too_large', reason: describeMisfit(misfit) } as const;
      return refuse(client, packet, payload, receivedAt, failure, done);
    }
    const status = result.commandStatus;
    if (status !== undefined) {
      if (!deps.commands.knows(deviceId, status.id)) {
        const failure = {
          code: 'unknown_command',
          reason: `no command ${status.id} is known for this device`,
        } as const;
        return refuse(client, packet, payload, receivedAt, failure, done);
      }
      deps.commands.finished(status);
    }
    send(result.records, packet.qos, (error) => {
      if (error === undefined) return done(null);
      if (isRecordRejected(error)) {
        const failure = {
          code: 'internal_error',
          reason: `Kafka refused the message: ${messageOf(error)}`,
        } as const;
        return refuse(client, packet, payload, receivedAt, failure, done);
      }
      // No PUBACK: the connection closes and the device sends the message again.
      done(error);
    });
  };

  // Whatever goes wrong inside, the device's message ends as a record, a dead letter or a closed
  // connection, never as an exception in aedes's packet handling. (A try here rather than
  // `boundary.run`: no closures per message.)
  const forwardSafely = (
    client: Client,
    packet: PublishPacket,
    done: (error?: Error | null) => void,
  ): void => {
    try {
      forward(client, packet, done);
    } catch (error) {
      boundary.failed('authorize_publish', error);
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      const failure = {
        code: 'internal_error',
        reason: 'the gateway could not process this message',
      } as const;
      boundary.run(
        'dead_letter',
        () => refuse(client, packet, payload, now(), failure, done),
        (deadLetterError) => done(deadLetterError as Error),
      );
    }
  };

  // In arrival order, in event-loop slices of bounded length (see SliceBudget).
  const forwardInTurn = (
    client: Client,
    packet: PublishPacket,
    done: (error?: Error | null) => void,
  ): void => {
    if (slices.admitsNow()) return forwardSafely(client, packet, done);
    slices.later(() => forwardSafely(client, packet, done));
  };

  broker.authorizePublish = (client: Client | null, packet: PublishPacket, callback) => {
    const done = once(callback);
    if (!client) return done(new Error('no client'));
    if (packet.topic.startsWith('$SYS')) return done(new Error('$SYS topics are reserved'));
    if (packet.qos !== 2 || packet.messageId === undefined) return forwardInTurn(client, packet, done);
    qos2.admit(client, packet.messageId).then(
      (admission) => {
        if (admission.kind === 'duplicate') {
          metrics.rejections.inc({ reason: 'qos2_duplicate' });
          return done(null);
        }
        forwardInTurn(client, packet, (error) => {
          admission.settled();
          done(error);
        });
      },
      (error: unknown) => {
        boundary.failed('qos2_admission', error);
        done(error as Error);
      },
    );
  };

  broker.authorizeSubscribe = (client: Client, subscription: Subscription, callback) => {
    const done = once(callback);
    const allowed = boundary.run(
      'authorize_subscribe',
      () => decideSubscribe(client.id, subscription.topic),
      () => false,
    );
    if (allowed) return done(null, subscription);
    metrics.rejections.inc({ reason: 'subscription_not_allowed' });
    logger.debug({ deviceId: client.id, topic: subscription.topic }, 'subscription refused');
    // A null subscription makes aedes answer SUBACK 0x80 for it [MQTT-3.9.3].
    done(null, null);
  };

  // Device messages never reach this hook (see routeOnlyGatewayMessages); a packet from a client is
  // refused all the same. A command held for a persistent session may have expired or finished.
  broker.authorizeForward = (_client: Client, packet: AedesPublishPacket) =>
    boundary.run(
      'authorize_forward',
      () => {
        if ((packet as AedesPublishPacket & { clientId?: string }).clientId) return null;
        return deps.commands.mayForward(packet.topic, packet.payload) ? packet : null;
      },
      () => null,
    );

  broker.preConnect = (client, packet, callback) => {
    const done = once(callback);
    boundary.run(
      'pre_connect',
      () => {
        const problem = connectProblem(packet, options.maxPayloadBytes);
        if (problem !== undefined) connectRefusals.set(client, problem);
        // Devices never leave retained state in the broker, by Will neither.
        if (packet.will) packet.will.retain = false;
        done(null, true);
      },
      () => done(null, false),
    );
  };

  return broker;
}
