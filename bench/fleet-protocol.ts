import { createHmac } from 'node:crypto';

/** The keepalive of the connections scenario's idle devices. */
export const FLEET_KEEPALIVE_SECONDS = 60;

/** How long a device waits for CONNACK and SUBACK before it gives the connection up (mqtt.js's default). */
export const FLEET_CONNECT_TIMEOUT_MS = 30_000;

/** Reconnect delays of a fleet device: full jitter over a doubling ceiling, as device firmware uses. */
export const FLEET_RECONNECT = { initialMs: 500, maxMs: 16_000 } as const;

/** The secret the bench provisioned for `deviceId`, derived so that no list of secrets is passed. */
export function fleetSecret(seed: string, deviceId: string): string {
  return createHmac('sha256', seed).update(deviceId).digest('base64url');
}

/** The delay before reconnect attempt `attempt` (0 first): uniform in [0, min(max, initial * 2^attempt)]. */
export function reconnectDelayMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(FLEET_RECONNECT.maxMs, FLEET_RECONNECT.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(random() * ceiling);
}

export type FleetPacket =
  | { type: 'connack'; code: number }
  | { type: 'suback'; failed: boolean }
  | { type: 'other'; packetType: number };

/**
 * Splits what a broker sends an idle device into packets and reads the two it waits for (CONNACK,
 * SUBACK); anything else (PINGRESP, a command) is only counted. Holds a partial packet across
 * chunks and nothing more, so that thousands of devices in one process stay cheap.
 */
export class FleetPacketReader {
  private pending: Buffer | undefined;

  read(chunk: Buffer): FleetPacket[] {
    let data = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = undefined;
    const packets: FleetPacket[] = [];
    for (;;) {
      const header = fixedHeader(data);
      if (header === undefined || data.length < header.headerLength + header.bodyLength) break;
      const body = data.subarray(header.headerLength, header.headerLength + header.bodyLength);
      packets.push(decode(data[0]! >> 4, body));
      data = data.subarray(header.headerLength + header.bodyLength);
    }
    if (data.length > 0) this.pending = Buffer.from(data);
    return packets;
  }
}

function fixedHeader(data: Buffer): { headerLength: number; bodyLength: number } | undefined {
  let bodyLength = 0;
  for (let i = 1; i <= 4; i++) {
    const byte = data[i];
    if (byte === undefined) return undefined;
    bodyLength += (byte & 0x7f) * 128 ** (i - 1);
    if ((byte & 0x80) === 0) return { headerLength: i + 1, bodyLength };
  }
  throw new Error('MQTT remaining length longer than four bytes');
}

function decode(packetType: number, body: Buffer): FleetPacket {
  if (packetType === 2) return { type: 'connack', code: body[1] ?? -1 };
  if (packetType === 9) return { type: 'suback', failed: body.subarray(2).includes(0x80) };
  return { type: 'other', packetType };
}
