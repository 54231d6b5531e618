import { describe, expect, it } from 'vitest';
import type { CommandRecord } from '../../../../contracts/index.js';
import { CommandStore } from '../../../../gateway/downlink/command-store.js';

const command = (id: string, over: Partial<CommandRecord> = {}): CommandRecord => ({
  id,
  deviceId: 'dev-1',
  name: 'reboot',
  params: {},
  issuedAt: 1000,
  expiresAt: 10_000,
  issuedBy: 'op',
  ...over,
});

describe('CommandStore', () => {
  it('keeps at most the configured number of open commands per device', () => {
    const store = new CommandStore(2);
    expect(store.addCommand(command('a'))).toBe(true);
    expect(store.addCommand(command('b'))).toBe(true);
    expect(store.addCommand(command('c'))).toBe(false);
    expect(store.addCommand(command('d', { deviceId: 'dev-2' }))).toBe(true);
    expect(store.pendingFor('dev-1', 2000).map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('makes room again once a command finishes', () => {
    const store = new CommandStore(1);
    store.addCommand(command('a'));
    store.applyStatus({ id: 'a', deviceId: 'dev-1', status: 'succeeded', at: 2000 });
    expect(store.addCommand(command('b'))).toBe(true);
  });

  it('says whether a command is still open: not finished and not expired', () => {
    const store = new CommandStore();
    store.addCommand(command('a'));
    store.addCommand(command('b'));
    store.applyStatus({ id: 'b', deviceId: 'dev-1', status: 'failed', at: 2000 });
    expect(store.isOpen('a', 5000)).toBe(true);
    expect(store.isOpen('a', 10_000)).toBe(false);
    expect(store.isOpen('b', 5000)).toBe(false);
    expect(store.isOpen('unknown', 5000)).toBe(false);
  });
});
