import { generate } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import {
  FLEET_RECONNECT,
  FleetPacketReader,
  fleetSecret,
  reconnectDelayMs,
} from '../../../bench/fleet-protocol.js';

const connack = (returnCode: number): Buffer =>
  generate({ cmd: 'connack', returnCode, sessionPresent: false });
const suback = (granted: number[]): Buffer => generate({ cmd: 'suback', messageId: 1, granted });

describe('FleetPacketReader', () => {
  it('reads CONNACK and SUBACK return codes, several packets in one chunk', () => {
    const reader = new FleetPacketReader();
    expect(reader.read(Buffer.concat([connack(0), suback([1])]))).toEqual([
      { type: 'connack', code: 0 },
      { type: 'suback', failed: false },
    ]);
    expect(reader.read(Buffer.concat([connack(5), suback([0x80])]))).toEqual([
      { type: 'connack', code: 5 },
      { type: 'suback', failed: true },
    ]);
  });

  it('holds a packet split across chunks, also inside its length bytes', () => {
    const publish = generate({
      cmd: 'publish',
      topic: 'devices/d1/commands/c1',
      payload: Buffer.alloc(300, 1),
      qos: 1,
      messageId: 7,
      dup: false,
      retain: false,
    });
    const bytes = Buffer.concat([publish, Buffer.from([0xd0, 0x00])]);
    const reader = new FleetPacketReader();
    const seen = [];
    for (let i = 0; i < bytes.length; i++) seen.push(...reader.read(bytes.subarray(i, i + 1)));
    expect(seen).toEqual([
      { type: 'other', packetType: 3 },
      { type: 'other', packetType: 13 },
    ]);
  });

  it('refuses a remaining length longer than MQTT allows', () => {
    expect(() => new FleetPacketReader().read(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(
      /four bytes/,
    );
  });
});

describe('reconnectDelayMs', () => {
  it('draws from a ceiling that doubles from the first delay up to the maximum', () => {
    expect(reconnectDelayMs(0, () => 1)).toBe(FLEET_RECONNECT.initialMs);
    expect(reconnectDelayMs(1, () => 1)).toBe(FLEET_RECONNECT.initialMs * 2);
    expect(reconnectDelayMs(50, () => 1)).toBe(FLEET_RECONNECT.maxMs);
    expect(reconnectDelayMs(4, () => 1)).toBe(
      Math.min(FLEET_RECONNECT.maxMs, FLEET_RECONNECT.initialMs * 16),
    );
    expect(reconnectDelayMs(3, () => 0)).toBe(0);
  });
});

describe('fleetSecret', () => {
  it('is the same for one device and seed, and differs between devices and seeds', () => {
    expect(fleetSecret('s', 'fleet-1')).toBe(fleetSecret('s', 'fleet-1'));
    expect(fleetSecret('s', 'fleet-1')).not.toBe(fleetSecret('s', 'fleet-2'));
    expect(fleetSecret('t', 'fleet-1')).not.toBe(fleetSecret('s', 'fleet-1'));
  });
});
