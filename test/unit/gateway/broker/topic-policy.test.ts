import { describe, expect, it } from 'vitest';
import { decidePublish, decideSubscribe } from '../../../../gateway/broker/topic-policy.js';

describe('decidePublish', () => {
  it.each(['telemetry', 'events', 'command-results'] as const)(
    'lets a device publish to its own %s',
    (kind) => {
      expect(decidePublish('d1', `devices/d1/${kind}`)).toEqual({ allowed: true, kind });
    },
  );

  it('calls a topic under the device prefix that is not an up topic unknown', () => {
    expect(decidePublish('d1', 'devices/d1/commands/reboot')).toEqual({
      allowed: false,
      code: 'unknown_topic',
      reason: 'devices may publish only to telemetry, events and command-results under devices/d1/',
    });
  });

  it("refuses another device's topics and anything outside the device API", () => {
    for (const topic of ['devices/d2/telemetry', 'devices/d10/telemetry', '$SYS/x', 'other']) {
      expect(decidePublish('d1', topic)).toEqual({
        allowed: false,
        code: 'topic_not_allowed',
        reason: 'a device may publish only under its own prefix devices/d1/',
      });
    }
  });

  it('refuses, without throwing, a client id that is not a device id (a Will before authentication)', () => {
    expect(decidePublish('a/b', 'devices/a/b/telemetry')).toMatchObject({
      allowed: false,
      code: 'topic_not_allowed',
    });
  });
});

describe('decideSubscribe', () => {
  it('allows only the own command topics and errors topic', () => {
    expect(decideSubscribe('d1', 'devices/d1/commands/#')).toBe(true);
    expect(decideSubscribe('d1', 'devices/d1/errors')).toBe(true);
    expect(decideSubscribe('d1', 'devices/d2/commands/#')).toBe(false);
    expect(decideSubscribe('d1', 'devices/d1/telemetry')).toBe(false);
  });
});
