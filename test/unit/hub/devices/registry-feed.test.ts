import { describe, expect, it } from 'vitest';
import { waitForRecord } from '../../../../hub/devices/registry-feed.js';
import { FakeRegistry } from './fake-registry.js';

const record = (deviceId: string, secretHash = 'h') => ({
  deviceId,
  secretHash,
  createdAt: 1,
  attributes: {},
});

describe('waitForRecord', () => {
  it('resolves at once when the record is already as wanted', async () => {
    const feed = new FakeRegistry();
    feed.records.set('a', record('a'));
    expect(await waitForRecord(feed, 'a', (r) => r !== undefined, 1000)).toBe(true);
    expect(feed.listenerCount('change')).toBe(0);
  });

  it('resolves on the change that makes the predicate hold, ignoring other devices', async () => {
    const feed = new FakeRegistry();
    feed.delayMs = 20;
    const waiting = waitForRecord(feed, 'a', (r) => r?.secretHash === 'new', 1000);
    await feed.put(record('b', 'new'));
    await feed.put(record('a', 'old'));
    await feed.put(record('a', 'new'));
    expect(await waiting).toBe(true);
    expect(feed.listenerCount('change')).toBe(0);
  });

  it('resolves false after the timeout and stops listening', async () => {
    const feed = new FakeRegistry();
    expect(await waitForRecord(feed, 'a', (r) => r !== undefined, 30)).toBe(false);
    expect(feed.listenerCount('change')).toBe(0);
  });
});
