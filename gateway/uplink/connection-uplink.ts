import {
  UPLINK_KINDS,
  commandResultsTopic,
  eventsTopic,
  isValidDeviceId,
  telemetryTopic,
  type UplinkKind,
} from '../../contracts/index.js';
import { recordHeaders } from '../../common/kafka/record-codec.js';
import { decidePublish, type PublishDecision } from '../broker/topic-policy.js';

/** The headers of each kind of record a device's messages become. */
export interface UplinkHeaders {
  telemetry: Readonly<Record<string, string>>;
  events: Readonly<Record<string, string>>;
  commandStatus: Readonly<Record<string, string>>;
}

/** What one connection's messages share, derived from its device id once. */
export interface ConnectionUplink {
  headers: UplinkHeaders;
  /** `decidePublish` for this device: its own up topics are looked up, not parsed. */
  decide(topic: string): PublishDecision;
}

const OWN_TOPIC: Record<UplinkKind, (deviceId: string) => string> = {
  telemetry: telemetryTopic,
  events: eventsTopic,
  'command-results': commandResultsTopic,
};

function connectionUplink(deviceId: string, gatewayId: string): ConnectionUplink {
  const context = { gatewayId };
  const allowed = new Map<string, PublishDecision>();
  // A client id that is no device id has no own topics (a Will is judged before authentication).
  for (const kind of isValidDeviceId(deviceId) ? UPLINK_KINDS : []) {
    const topic = OWN_TOPIC[kind](deviceId);
    const decision = decidePublish(deviceId, topic);
    // Only what the policy itself allows is cached.
    if (decision.allowed) allowed.set(topic, Object.freeze(decision));
  }
  return {
    headers: {
      telemetry: Object.freeze(recordHeaders('telemetry', deviceId, context)),
      events: Object.freeze(recordHeaders('events', deviceId, context)),
      commandStatus: Object.freeze(recordHeaders('commandStatus', deviceId, context)),
    },
    decide: (topic) => allowed.get(topic) ?? decidePublish(deviceId, topic),
  };
}

/**
 * Per connection, what its device's messages would otherwise rebuild each time: the record headers
 * (shared, frozen, by every record of that device and kind) and the topic decisions. Held weakly
 * by the connection object, so they go when it does.
 */
export class ConnectionUplinks {
  private readonly byConnection = new WeakMap<object, ConnectionUplink>();

  constructor(private readonly gatewayId: string) {}

  of(connection: object, deviceId: string): ConnectionUplink {
    let uplink = this.byConnection.get(connection);
    if (uplink === undefined) {
      uplink = connectionUplink(deviceId, this.gatewayId);
      this.byConnection.set(connection, uplink);
    }
    return uplink;
  }
}
