import { describe, expect, it } from 'vitest';
import {
  CLIENT_MESSAGE_TYPES,
  MAX_WATCHED_DEVICES,
  clientMessageSchema,
  deviceHistorySchema,
  serverMessageSchema,
  type AlertRecord,
  type DeviceState,
  type ServerMessage,
} from '../../../../contracts/index.js';
import { parseClientMessage } from '../../../../hub/console/client-messages.js';

const device: DeviceState = {
  deviceId: 'pump-1',
  registered: true,
  machineType: 'pump',
  online: true,
  gatewayId: 'gw-1',
  presenceAt: 10,
  lastSeen: 20,
  health: 0.8,
  rulHours: 12.5,
  healthAt: 15,
  alerts: [{ kind: 'degradation', severity: 'warning', at: 14, message: 'degrading', metric: 'temp_c' }],
};
const alert: AlertRecord = {
  deviceId: 'pump-1',
  at: 14,
  kind: 'degradation',
  severity: 'warning',
  score: 0.2,
  rulHours: 12.5,
  message: 'degrading',
};

// One valid example of every server message, and a broken variant of each.
const SERVER: [valid: ServerMessage, invalid: unknown][] = [
  [
    {
      type: 'hello',
      protocol: 1,
      serverTime: 1,
      commands: { defaultTtlMs: 1, maxTtlMs: 2, maxParamsBytes: 3 },
    },
    {
      type: 'hello',
      protocol: 2,
      serverTime: 1,
      commands: { defaultTtlMs: 1, maxTtlMs: 2, maxParamsBytes: 3 },
    },
  ],
  [
    { type: 'commandStatus', id: 'c-1', deviceId: 'pump-1', status: 'sent', at: 1, gatewayId: 'gw-1' },
    { type: 'commandStatus', id: 'c-1', deviceId: 'pump-1', status: 'lost', at: 1 },
  ],
  [
    { type: 'commandAccepted', requestId: 'r', id: 'c-1', status: 'queued', expiresAt: 5 },
    { type: 'commandAccepted', id: 'c-1', status: 'sent', expiresAt: 5 },
  ],
  [
    { type: 'pong', requestId: 'r', serverTime: 1 },
    { type: 'pong', serverTime: -1 },
  ],
  [
    { type: 'error', code: 'invalid_message', reason: 'no' },
    { type: 'error', code: 'teapot', reason: 'no' },
  ],
  [
    { type: 'fleetSnapshot', at: 1, devices: [device], recentAlerts: [alert] },
    { type: 'fleetSnapshot', at: 1, devices: [{ ...device, health: 1.5 }], recentAlerts: [] },
  ],
  [
    { type: 'fleetChanges', at: 1, devices: [device], removed: ['pump-2'], seen: { 'pump-3': 30 } },
    { type: 'fleetChanges', at: 1, devices: [], removed: [], seen: { 'not a device id': 30 } },
  ],
  [
    { type: 'telemetry', samples: [{ deviceId: 'pump-1', ts: 5, metrics: { temp_c: 40 } }], skipped: 2 },
    { type: 'telemetry', samples: [{ deviceId: 'pump-1', ts: 5, metrics: {} }] },
  ],
  [
    { type: 'alert', alert },
    { type: 'alert', alert: { ...alert, severity: 'fatal' } },
  ],
  [
    { type: 'watching', requestId: 'w', deviceIds: ['pump-1'] },
    { type: 'watching', deviceIds: 'pump-1' },
  ],
];

describe('the console protocol', () => {
  it('has an example of every server message type, each valid, and a broken one refused', () => {
    const types = SERVER.map(([valid]) => valid.type);
    expect(new Set(types)).toEqual(new Set(serverMessageSchema.options.map((o) => o.shape.type.value)));
    for (const [valid, invalid] of SERVER) {
      expect(serverMessageSchema.parse(valid), valid.type).toEqual(valid);
      expect(serverMessageSchema.safeParse(invalid).success, `broken ${valid.type}`).toBe(false);
    }
  });

  it('reads every client message type, and answers a broken one with a reason and its requestId', () => {
    const valid = {
      issueCommand: { type: 'issueCommand', deviceId: 'pump-1', name: 'calibrate', params: {}, ttlMs: 5000 },
      ping: { type: 'ping', requestId: 'p' },
      watch: { type: 'watch', requestId: 'w', deviceIds: ['pump-1', 'pump-2'] },
      unwatch: { type: 'unwatch', deviceIds: ['pump-1'] },
    };
    const invalid = {
      issueCommand: { type: 'issueCommand', requestId: 'x', deviceId: 'pump-1', name: 'Calibrate!' },
      ping: { type: 'ping', requestId: 'x', extra: true },
      watch: {
        type: 'watch',
        requestId: 'x',
        deviceIds: Array.from({ length: MAX_WATCHED_DEVICES + 1 }, (_, i) => `d-${i}`),
      },
      unwatch: { type: 'unwatch', requestId: 'x', deviceIds: ['no spaces allowed'] },
    };
    expect(Object.keys(valid)).toEqual(CLIENT_MESSAGE_TYPES);
    for (const type of CLIENT_MESSAGE_TYPES) {
      expect(clientMessageSchema.parse(valid[type]), type).toEqual(valid[type]);
      const answer = parseClientMessage(Buffer.from(JSON.stringify(invalid[type])), false);
      expect(answer, type).toMatchObject({ ok: false, requestId: 'x', reason: expect.any(String) as string });
    }
  });

  it('describes a device history in columns the charts take as they are', () => {
    const history = {
      deviceId: 'pump-1',
      since: 0,
      until: 10,
      bucketMs: 1000,
      telemetry: { times: [0, 1000], metrics: { temp_c: [1, null] } },
      health: { times: [0], health: [0.9], rulHours: [null] },
    };
    expect(deviceHistorySchema.parse(history)).toEqual(history);
    expect(deviceHistorySchema.safeParse({ ...history, bucketMs: 0 }).success).toBe(false);
  });
});
