import { describe, expect, it } from 'vitest';
import type { ConnectPacket } from 'aedes';
import { connectPacketLimit, connectProblem } from '../../../../gateway/broker/connect-policy.js';

function connect(will?: Partial<NonNullable<ConnectPacket['will']>>): ConnectPacket {
  return {
    cmd: 'connect',
    clientId: 'dev-1',
    protocolVersion: 4,
    protocolId: 'MQTT',
    clean: true,
    keepalive: 60,
    ...(will
      ? {
          will: { topic: 'devices/dev-1/events', payload: Buffer.from('{}'), qos: 1, retain: false, ...will },
        }
      : {}),
  };
}

describe('connectProblem', () => {
  it('accepts a CONNECT without a Will, and a Will to the device’s own telemetry or events', () => {
    expect(connectProblem(connect(), 1024)).toBeUndefined();
    expect(connectProblem(connect({ topic: 'devices/dev-1/events' }), 1024)).toBeUndefined();
    expect(connectProblem(connect({ topic: 'devices/dev-1/telemetry', qos: 0 }), 1024)).toBeUndefined();
  });

  it.each([
    'devices/dev-2/commands/unlock',
    'devices/dev-1/commands/reboot',
    'devices/dev-1/command-results',
    'devices/dev-1/errors',
    'devices/dev-2/events',
    'anything/else',
  ])('refuses a Will to %s', (topic) => {
    expect(connectProblem(connect({ topic }), 1024)).toMatch(/Will may only be published/);
  });

  it('refuses a Will larger than the payload limit, and a QoS 2 Will', () => {
    expect(connectProblem(connect({ payload: Buffer.alloc(1025) }), 1024)).toMatch(/1025 bytes/);
    expect(connectProblem(connect({ qos: 2 }), 1024)).toMatch(/QoS 0 or 1/);
  });

  it('bounds a CONNECT by the payload limit plus its fixed fields', () => {
    expect(connectPacketLimit(65_536)).toBeGreaterThan(65_536);
    expect(connectPacketLimit(65_536)).toBeLessThan(65_536 + 8192);
  });
});
