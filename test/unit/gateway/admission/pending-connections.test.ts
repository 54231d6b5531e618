import { describe, expect, it } from 'vitest';
import { PendingConnections } from '../../../../gateway/admission/pending-connections.js';

describe('PendingConnections', () => {
  it('caps connections per address and frees a slot on release', () => {
    const pending = new PendingConnections(2);
    const a = pending.admit('10.0.0.1');
    const b = pending.admit('10.0.0.1');
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(pending.admit('10.0.0.1')).toBeUndefined();
    expect(pending.admit('10.0.0.2')).toBeDefined();
    a?.();
    expect(pending.admit('10.0.0.1')).toBeDefined();
    expect(pending.size).toBe(3);
  });

  it('releases once however often release is called, and forgets idle addresses', () => {
    const pending = new PendingConnections(1);
    const release = pending.admit('::1');
    release?.();
    release?.();
    expect(pending.size).toBe(0);
    expect(pending.addresses).toBe(0);
    const again = pending.admit('::1');
    expect(again).toBeDefined();
    expect(pending.admit('::1')).toBeUndefined();
  });
});
