import type { ConnectPacket } from 'aedes';
import { decidePublish } from './topic-policy.js';

/**
 * What a CONNECT may ask of the gateway beyond authentication. A Will is a message the device
 * publishes by proxy, so it obeys the publish rules: only to the device's own telemetry or events
 * topic, within the payload limit, never retained. Returns why the CONNECT is refused, or undefined.
 */
export function connectProblem(packet: ConnectPacket, maxPayloadBytes: number): string | undefined {
  const will = packet.will;
  if (!will) return undefined;
  const decision = decidePublish(packet.clientId, will.topic);
  if (!decision.allowed || decision.kind === 'command-results') {
    return `a Will may only be published to devices/${packet.clientId}/telemetry or /events`;
  }
  const size = Buffer.byteLength(will.payload);
  if (size > maxPayloadBytes) return `the Will payload is ${size} bytes; the limit is ${maxPayloadBytes}`;
  if ((will.qos ?? 0) > 1) return 'a Will may use QoS 0 or 1';
  return undefined;
}

// Fixed header, protocol name and flags, a 64-character client id, a username and a password
// (a device id and a 43-character secret, with room to spare), and a Will topic.
const CONNECT_OVERHEAD_BYTES = 2048;

/** The largest CONNECT a device needs: the fixed fields plus a Will as large as any payload. */
export function connectPacketLimit(maxPayloadBytes: number): number {
  return maxPayloadBytes + CONNECT_OVERHEAD_BYTES;
}
