import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  UPLINK_KINDS,
  commandNameSchema,
  commandFilters,
  commandResultsTopic,
  commandTopic,
  commandsWildcard,
  deviceTopicPrefix,
  errorsTopic,
  eventsTopic,
  isCommandsFilterOf,
  isDeviceSubscriptionAllowed,
  isUplinkKind,
  parseDeviceTopic,
  telemetryTopic,
} from '../../../contracts/index.js';
import { commandNameArb, deviceIdArb } from './arbitraries.js';

describe('MQTT topic builders', () => {
  it('build the documented topics', () => {
    expect(telemetryTopic('d1')).toBe('devices/d1/telemetry');
    expect(eventsTopic('d1')).toBe('devices/d1/events');
    expect(commandResultsTopic('d1')).toBe('devices/d1/command-results');
    expect(errorsTopic('d1')).toBe('devices/d1/errors');
    expect(commandTopic('d1', 'reboot')).toBe('devices/d1/commands/reboot');
    expect(commandsWildcard('d1')).toBe('devices/d1/commands/#');
    expect(deviceTopicPrefix('d1')).toBe('devices/d1/');
  });

  it('name every filter that receives a command, each one a subscription the device may hold', () => {
    expect(commandFilters('d1', 'reboot')).toEqual([
      'devices/d1/commands/#',
      'devices/d1/commands/+',
      'devices/d1/commands/reboot',
    ]);
    fc.assert(
      fc.property(deviceIdArb, commandNameArb, (deviceId, name) => {
        for (const filter of commandFilters(deviceId, name)) {
          expect(isDeviceSubscriptionAllowed(deviceId, filter)).toBe(true);
          expect(isCommandsFilterOf(deviceId, filter)).toBe(true);
        }
      }),
    );
  });

  it("tell a device's command filters from its other topics and from other devices' ones", () => {
    expect(isCommandsFilterOf('d1', 'devices/d1/commands/#')).toBe(true);
    expect(isCommandsFilterOf('d1', 'devices/d1/errors')).toBe(false);
    expect(isCommandsFilterOf('d1', 'devices/d10/commands/#')).toBe(false);
    expect(isCommandsFilterOf('d1', 'devices/d2/commands/reboot')).toBe(false);
  });

  it.each(['', 'a/b', '+', '#', '-x'])('throw TypeError for device id %j', (id) => {
    for (const build of [
      telemetryTopic,
      eventsTopic,
      commandResultsTopic,
      errorsTopic,
      commandsWildcard,
      deviceTopicPrefix,
    ]) {
      expect(() => build(id)).toThrow(TypeError);
    }
    expect(() => commandTopic(id, 'reboot')).toThrow(TypeError);
    expect(() => commandFilters(id, 'reboot')).toThrow(TypeError);
    expect(() => isCommandsFilterOf(id, 'devices/x/commands/#')).toThrow(TypeError);
  });

  it.each(['', 'Reboot', 'a/b', '+', '#', '-x', 'x'.repeat(65)])('throw TypeError for command %j', (name) => {
    expect(() => commandTopic('d1', name)).toThrow(TypeError);
    expect(() => commandFilters('d1', name)).toThrow(TypeError);
    expect(commandNameSchema.safeParse(name).success).toBe(false);
  });
});

describe('parseDeviceTopic', () => {
  it('round-trips every builder', () => {
    fc.assert(
      fc.property(deviceIdArb, commandNameArb, (deviceId, name) => {
        expect(parseDeviceTopic(telemetryTopic(deviceId))).toEqual({ kind: 'telemetry', deviceId });
        expect(parseDeviceTopic(eventsTopic(deviceId))).toEqual({ kind: 'events', deviceId });
        expect(parseDeviceTopic(commandResultsTopic(deviceId))).toEqual({
          kind: 'command-results',
          deviceId,
        });
        expect(parseDeviceTopic(errorsTopic(deviceId))).toEqual({ kind: 'errors', deviceId });
        expect(parseDeviceTopic(commandTopic(deviceId, name))).toEqual({ kind: 'command', deviceId, name });
      }),
    );
  });

  it.each([
    '',
    'devices',
    'devices/',
    'devices/d1',
    'devices/d1/',
    'devices//telemetry',
    '/devices/d1/telemetry',
    'Devices/d1/telemetry',
    'devices/d1/telemetry/',
    'devices/d1/telemetry/x',
    'devices/d1/status',
    'devices/+/telemetry',
    'devices/#',
    'devices/d1/commands',
    'devices/d1/commands/',
    'devices/d1/commands/#',
    'devices/d1/commands/+',
    'devices/d1/commands/Reboot',
    'devices/d1/commands/reboot/now',
    'devices/-d1/telemetry',
    '$SYS/broker/uptime',
    'devices/__proto__/telemetry',
    'devices/d1/__proto__',
    'devices/d1/constructor',
  ])('returns null for %j', (topic) => {
    expect(parseDeviceTopic(topic)).toBeNull();
  });

  it('never throws for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (topic) => {
        const parsed = parseDeviceTopic(topic);
        if (parsed !== null) expect(topic.startsWith(`devices/${parsed.deviceId}/`)).toBe(true);
      }),
    );
  });

  it('never throws for slash-heavy strings', () => {
    const level = fc.constantFrom('', 'devices', 'd1', 'commands', 'telemetry', '+', '#', 'reboot', 'x/y');
    fc.assert(
      fc.property(fc.array(level, { maxLength: 6 }), (levels) => {
        expect(() => parseDeviceTopic(levels.join('/'))).not.toThrow();
      }),
    );
  });

  it('never throws for non-string input at runtime', () => {
    expect(parseDeviceTopic(undefined as unknown as string)).toBeNull();
    expect(parseDeviceTopic(42 as unknown as string)).toBeNull();
  });
});

describe('UPLINK_KINDS', () => {
  it('are exactly the device-to-gateway topics', () => {
    expect([...UPLINK_KINDS]).toEqual(['telemetry', 'events', 'command-results']);
    expect(isUplinkKind('telemetry')).toBe(true);
    expect(isUplinkKind('command-results')).toBe(true);
    expect(isUplinkKind('errors')).toBe(false);
    expect(isUplinkKind('command')).toBe(false);
  });
});

describe('isDeviceSubscriptionAllowed', () => {
  it.each([
    'devices/d1/commands/#',
    'devices/d1/commands/+',
    'devices/d1/commands/reboot',
    'devices/d1/errors',
  ])('allows %j', (filter) => {
    expect(isDeviceSubscriptionAllowed('d1', filter)).toBe(true);
  });

  it.each([
    'devices/d2/commands/#',
    'devices/d1/#',
    'devices/+/commands/#',
    'devices/#',
    '#',
    '+/d1/commands/#',
    'devices/d1/+',
    'devices/d1/commands',
    'devices/d1/commands/Reboot',
    'devices/d1/commands/#/x',
    'devices/d1/commands/reboot/+',
    'devices/d1/telemetry',
    'devices/d1/events',
    'devices/d1/command-results',
    'devices/d1/errors/#',
    'devices/d10/errors',
    '$SYS/#',
    '',
  ])('refuses %j', (filter) => {
    expect(isDeviceSubscriptionAllowed('d1', filter)).toBe(false);
  });

  it('refuses everything for an invalid device id', () => {
    expect(isDeviceSubscriptionAllowed('+', 'devices/+/commands/#')).toBe(false);
    expect(isDeviceSubscriptionAllowed('', 'devices//errors')).toBe(false);
  });

  it("never allows another device's topics", () => {
    const filterFor = (id: string): fc.Arbitrary<string> =>
      fc.oneof(
        commandNameArb.map((n) => `devices/${id}/commands/${n}`),
        fc.constantFrom(`devices/${id}/commands/#`, `devices/${id}/commands/+`, `devices/${id}/errors`),
      );
    fc.assert(
      fc.property(
        deviceIdArb,
        deviceIdArb.chain((other) => filterFor(other).map((filter) => ({ other, filter }))),
        (me, { other, filter }) => {
          fc.pre(me !== other);
          expect(isDeviceSubscriptionAllowed(me, filter)).toBe(false);
          expect(isDeviceSubscriptionAllowed(other, filter)).toBe(true);
        },
      ),
    );
  });

  it('only allows filters under its own prefix, for arbitrary filters', () => {
    fc.assert(
      fc.property(deviceIdArb, fc.string({ maxLength: 120 }), (id, filter) => {
        if (isDeviceSubscriptionAllowed(id, filter)) expect(filter.startsWith(`devices/${id}/`)).toBe(true);
      }),
    );
  });
});
