import type { PresenceRecord } from '../../contracts/index.js';

export interface Presence {
  online: boolean;
  gatewayId: string;
  at: number;
}

/**
 * A device's presence after `record`, or undefined when the record changes nothing. A disconnect
 * counts only from the gateway the device is connected to: a stale connection on another gateway
 * can report its end after the device has already reconnected elsewhere.
 */
export function nextPresence(current: Presence | undefined, record: PresenceRecord): Presence | undefined {
  if (record.status === 'connected') return { online: true, gatewayId: record.gatewayId, at: record.at };
  if (current !== undefined && (!current.online || current.gatewayId !== record.gatewayId)) return undefined;
  return { online: false, gatewayId: record.gatewayId, at: record.at };
}
