import { describe, expect, it } from 'vitest';
import { recordHeaders } from '../../../../common/kafka/record-codec.js';
import { decidePublish } from '../../../../gateway/broker/topic-policy.js';
import { ConnectionUplinks } from '../../../../gateway/uplink/connection-uplink.js';

const topics = [
  'devices/dev-1/telemetry',
  'devices/dev-1/events',
  'devices/dev-1/command-results',
  'devices/dev-1/errors',
  'devices/dev-1/commands/reboot',
  'devices/dev-2/telemetry',
  'devices/dev-1/telemetry/extra',
  '$SYS/broker',
  '',
];

describe('ConnectionUplinks', () => {
  it('decides every topic as decidePublish does', () => {
    const uplinks = new ConnectionUplinks('gw-1');
    for (const deviceId of ['dev-1', 'not a device id', '']) {
      const uplink = uplinks.of({}, deviceId);
      for (const topic of [...topics, `devices/${deviceId}/telemetry`])
        expect(uplink.decide(topic)).toEqual(decidePublish(deviceId, topic));
    }
  });

  it('gives the contract headers, one frozen object per connection and kind', () => {
    const uplinks = new ConnectionUplinks('gw-1');
    const connection = {};
    const uplink = uplinks.of(connection, 'dev-1');
    expect(uplinks.of(connection, 'dev-1')).toBe(uplink);
    expect(uplinks.of({}, 'dev-1')).not.toBe(uplink);
    expect(uplink.headers.telemetry).toEqual(recordHeaders('telemetry', 'dev-1', { gatewayId: 'gw-1' }));
    expect(uplink.headers.events).toEqual(recordHeaders('events', 'dev-1', { gatewayId: 'gw-1' }));
    expect(uplink.headers.commandStatus).toEqual(
      recordHeaders('commandStatus', 'dev-1', { gatewayId: 'gw-1' }),
    );
    expect(Object.isFrozen(uplink.headers.telemetry)).toBe(true);
  });
});
