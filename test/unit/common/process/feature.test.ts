import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { healthOf, startFeatures, type Feature } from '../../../../common/process/feature.js';

const log = pino({ level: 'silent' });

function recording(name: string, calls: string[], failStart = false): Feature {
  return {
    name,
    start: () => {
      calls.push(`start ${name}`);
      return failStart ? Promise.reject(new Error(`${name} cannot start`)) : Promise.resolve();
    },
    stop: () => {
      calls.push(`stop ${name}`);
      return name === 'b' ? Promise.reject(new Error('b stop failed')) : Promise.resolve();
    },
  };
}

describe('startFeatures', () => {
  it('starts in order and stops in reverse, once, going on past a stop that fails', async () => {
    const calls: string[] = [];
    const started = await startFeatures(
      ['a', 'b', 'c'].map((n) => recording(n, calls)),
      log,
    );
    await Promise.all([started.stop(), started.stop()]);
    expect(calls).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('stops what began, the failed one included, in reverse when a start fails, and throws its error', async () => {
    const calls: string[] = [];
    const features = [recording('a', calls), recording('b', calls, true), recording('c', calls)];
    await expect(startFeatures(features, log)).rejects.toThrow('b cannot start');
    expect(calls).toEqual(['start a', 'start b', 'stop b', 'stop a']);
  });
});

describe('healthOf', () => {
  it('merges every fragment and is unhealthy when any fragment says so', () => {
    const feature = (health: Record<string, unknown>): Feature => ({
      name: 'x',
      start: () => Promise.resolve(),
      stop: () => Promise.resolve(),
      health: () => health,
    });
    const up = feature({ healthy: true, kafka: { state: 'connected' } });
    const quiet = feature({ registry: { loaded: true } });
    expect(healthOf([up, quiet], { gatewayId: 'gw' })).toEqual({
      healthy: true,
      gatewayId: 'gw',
      kafka: { state: 'connected' },
      registry: { loaded: true },
    });
    expect(healthOf([up, feature({ healthy: false })]).healthy).toBe(false);
  });
});
