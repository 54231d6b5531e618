import { describe, expect, it } from 'vitest';
import {
  createDeviceRequestSchema,
  createdDeviceSchema,
  deviceListSchema,
  devicePath,
  deviceSecretPath,
  deviceSummarySchema,
  pageQuerySchema,
  rotatedSecretSchema,
} from '../../../contracts/index.js';

describe('device API paths', () => {
  it('put the device id in one path segment', () => {
    expect(devicePath('pump-1')).toBe('/api/devices/pump-1');
    expect(deviceSecretPath('pump-1')).toBe('/api/devices/pump-1/secret');
    expect(devicePath('a/b')).toBe('/api/devices/a%2Fb');
  });
});

describe('createDeviceRequestSchema', () => {
  it('takes an id and optional attributes', () => {
    expect(createDeviceRequestSchema.parse({ id: 'pump-1' })).toEqual({ id: 'pump-1', attributes: {} });
    expect(createDeviceRequestSchema.parse({ id: 'a.b_c-1', attributes: { x: [1] } })).toEqual({
      id: 'a.b_c-1',
      attributes: { x: [1] },
    });
  });

  it('refuses bad ids, non-object attributes and unknown keys', () => {
    for (const body of [
      {},
      { id: '' },
      { id: '-x' },
      { id: 'a/b' },
      { id: 'x'.repeat(65) },
      { id: 7 },
      { id: 'a', attributes: [] },
      { id: 'a', attributes: null },
      { id: 'a', secret: 's' },
      { id: 'a', secretHash: 'h' },
    ])
      expect(createDeviceRequestSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
  });
});

describe('pageQuerySchema', () => {
  it('reads limit and offset from query strings, with defaults', () => {
    expect(pageQuerySchema.parse({})).toEqual({ limit: 100, offset: 0 });
    expect(pageQuerySchema.parse({ limit: '1000', offset: '5' })).toEqual({ limit: 1000, offset: 5 });
    expect(pageQuerySchema.safeParse({ limit: '1001' }).success).toBe(false);
    expect(pageQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
  });
});

describe('device replies', () => {
  const summary = { id: 'pump-1', createdAt: 1_700_000_000_000, attributes: { site: 'north' } };

  it('keep what the API documents and drop what a newer hub may add', () => {
    expect(deviceSummarySchema.parse({ ...summary, firmware: '2.1' })).toEqual(summary);
    expect(createdDeviceSchema.parse({ ...summary, secret: 's3cret' })).toEqual({
      ...summary,
      secret: 's3cret',
    });
    expect(rotatedSecretSchema.parse({ id: 'pump-1', secret: 's3cret' })).toEqual({
      id: 'pump-1',
      secret: 's3cret',
    });
    expect(deviceListSchema.parse({ devices: [summary], total: 1, limit: 100, offset: 0 }).devices).toEqual([
      summary,
    ]);
  });

  it('refuse a reply that is not the documented shape', () => {
    expect(createdDeviceSchema.safeParse(summary).success).toBe(false);
    expect(createdDeviceSchema.safeParse({ ...summary, secret: '' }).success).toBe(false);
    expect(deviceSummarySchema.safeParse({ ...summary, id: 'a/b' }).success).toBe(false);
    expect(deviceSummarySchema.safeParse({ ...summary, createdAt: '2024' }).success).toBe(false);
    expect(deviceListSchema.safeParse({ devices: [summary], total: 1 }).success).toBe(false);
  });
});
