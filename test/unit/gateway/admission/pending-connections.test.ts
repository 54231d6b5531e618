import { describe, expect, it } from 'vitest';
import { PendingConnections } from '../../../../gateway/admission/pending-connections.js';

const admitted = (result: unknown): result is () => void => typeof result === 'function';

describe('PendingConnections', () => {
  it('caps connections per address and frees a slot on release', () => {
    const pending = new PendingConnections(2);
    const a = pending.admit('10.0.0.1');
    const b = pending.admit('10.0.0.1');
    expect(admitted(a)).toBe(true);
    expect(admitted(b)).toBe(true);
    expect(pending.admit('10.0.0.1')).toBe('pending_per_address');
    expect(admitted(pending.admit('10.0.0.2'))).toBe(true);
    if (admitted(a)) a();
    expect(admitted(pending.admit('10.0.0.1'))).toBe(true);
    expect(pending.size).toBe(3);
  });

  it('releases once however often release is called, and forgets idle addresses', () => {
    const pending = new PendingConnections(1);
    const release = pending.admit('::1');
    if (!admitted(release)) throw new Error('refused');
    release();
    release();
    expect(pending.size).toBe(0);
    expect(pending.addresses).toBe(0);
    expect(admitted(pending.admit('::1'))).toBe(true);
    expect(pending.admit('::1')).toBe('pending_per_address');
  });

  it('caps the handshakes in progress over all addresses, before the per-address cap', () => {
    const pending = new PendingConnections(10, 3);
    const releases = ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((address) => pending.admit(address));
    expect(releases.every(admitted)).toBe(true);
    expect(pending.admit('10.0.0.4')).toBe('pending_total');
    const first = releases[0];
    if (admitted(first)) first();
    expect(admitted(pending.admit('10.0.0.4'))).toBe(true);
    expect(pending.size).toBe(3);
  });
});
