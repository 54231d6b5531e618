import { beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../common/logger.js';
import { DeviceService } from '../../../../hub/devices/device-service.js';
import { FakeRegistry } from './fake-registry.js';

describe('DeviceService', () => {
  let registry: FakeRegistry;
  let service: DeviceService;
  let n: number;

  beforeEach(() => {
    registry = new FakeRegistry();
    registry.delayMs = 5;
    n = 0;
    service = new DeviceService({
      feed: registry,
      store: registry,
      secrets: { generate: () => `secret-${++n}`, hash: (s) => Promise.resolve(`hash(${s})`) },
      now: () => 1_700_000_000_000,
      catchUpMs: 200,
      logger: createLogger('test', 'silent'),
    });
  });

  it('creates a device, stores only the hash, and answers after the feed has it', async () => {
    const created = await service.create('pump-1', { site: 'n' });
    expect(created).toEqual({
      ok: true,
      value: { id: 'pump-1', createdAt: 1_700_000_000_000, attributes: { site: 'n' }, secret: 'secret-1' },
    });
    expect(registry.writes).toEqual([
      {
        deviceId: 'pump-1',
        secretHash: 'hash(secret-1)',
        createdAt: 1_700_000_000_000,
        attributes: { site: 'n' },
      },
    ]);
    expect(service.get('pump-1')).toEqual({
      id: 'pump-1',
      createdAt: 1_700_000_000_000,
      attributes: { site: 'n' },
    });
  });

  it('refuses an existing id, and a second change to a device while one is under way', async () => {
    await service.create('pump-1', {});
    expect(await service.create('pump-1', {})).toEqual({ ok: false, code: 'exists' });
    const [first, second] = await Promise.all([service.create('pump-2', {}), service.create('pump-2', {})]);
    expect(first.ok).toBe(true);
    expect(second).toEqual({ ok: false, code: 'busy' });
    expect(registry.writes).toHaveLength(2);
  });

  it('lists devices sorted by id, a page at a time, without secrets', async () => {
    for (const id of ['c', 'a', 'b']) await service.create(id, {});
    expect(service.list({ limit: 2, offset: 0 })).toEqual({
      total: 3,
      devices: [
        { id: 'a', createdAt: 1_700_000_000_000, attributes: {} },
        { id: 'b', createdAt: 1_700_000_000_000, attributes: {} },
      ],
    });
    expect(service.list({ limit: 2, offset: 2 }).devices.map((d) => d.id)).toEqual(['c']);
    expect(service.list({ limit: 2, offset: 9 }).devices).toEqual([]);
  });

  it('rotates a secret, keeping createdAt and attributes', async () => {
    await service.create('pump-1', { k: 1 });
    expect(await service.rotateSecret('pump-1')).toEqual({
      ok: true,
      value: { id: 'pump-1', secret: 'secret-2' },
    });
    expect(registry.get('pump-1')).toEqual({
      deviceId: 'pump-1',
      secretHash: 'hash(secret-2)',
      createdAt: 1_700_000_000_000,
      attributes: { k: 1 },
    });
    expect(await service.rotateSecret('nobody')).toEqual({ ok: false, code: 'not_found' });
  });

  it('removes a device with a tombstone', async () => {
    await service.create('pump-1', {});
    expect(await service.remove('pump-1')).toEqual({ ok: true, value: undefined });
    expect(registry.writes.at(-1)).toBe('pump-1');
    expect(service.get('pump-1')).toBeUndefined();
    expect(await service.remove('pump-1')).toEqual({ ok: false, code: 'not_found' });
  });

  it('still answers when the feed lags behind an acknowledged write', async () => {
    registry.lagging = true;
    const created = await service.create('pump-1', {});
    expect(created.ok).toBe(true);
    expect(registry.writes).toHaveLength(1);
  });

  it('lets a failed write through to the caller and frees the device for a retry', async () => {
    registry.failWrites = true;
    await expect(service.create('pump-1', {})).rejects.toThrow('broker unavailable');
    registry.failWrites = false;
    expect((await service.create('pump-1', {})).ok).toBe(true);
  });
});
