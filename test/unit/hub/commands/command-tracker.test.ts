import { beforeEach, describe, expect, it } from 'vitest';
import { CommandTracker, type StatusChange } from '../../../../hub/commands/command-tracker.js';
import { T0, command, status } from './fixtures.js';

describe('CommandTracker', () => {
  let now: number;
  let tracker: CommandTracker;
  let changes: StatusChange[];
  let added: [string, boolean][];

  beforeEach(() => {
    now = T0;
    tracker = new CommandTracker({
      retentionMs: 3_600_000,
      orphanTtlMs: 600_000,
      maxOrphans: 3,
      now: () => now,
    });
    changes = [];
    added = [];
    tracker.on('change', (c) => changes.push(c));
    tracker.on('added', (c, pending) => added.push([c.id, pending]));
  });

  const shown = () => changes.map((c) => `${c.command.id}:${c.entry.status}`);

  it('shows a command without status records as queued at issuedAt, and follows its statuses', () => {
    tracker.addCommand(command('a'));
    expect(tracker.get('a')).toMatchObject({ status: 'queued', updatedAt: T0, history: [] });
    tracker.applyStatus(status('a', 'sent', { at: T0 + 5, gatewayId: 'gw-1' }));
    tracker.applyStatus(status('a', 'delivered', { at: T0 + 6, gatewayId: 'gw-1' }));
    tracker.applyStatus(status('a', 'succeeded', { at: T0 + 9, gatewayId: 'gw-1', detail: 'ok' }));
    expect(tracker.get('a')).toMatchObject({
      status: 'succeeded',
      updatedAt: T0 + 9,
      history: [
        { status: 'sent', at: T0 + 5, gatewayId: 'gw-1' },
        { status: 'delivered', at: T0 + 6, gatewayId: 'gw-1' },
        { status: 'succeeded', at: T0 + 9, gatewayId: 'gw-1', detail: 'ok' },
      ],
    });
    expect(shown()).toEqual(['a:queued', 'a:sent', 'a:delivered', 'a:succeeded']);
    expect(changes.at(-1)?.terminal).toBe(true);
    expect(tracker.pendingCount).toBe(0);
  });

  it("does not announce the hub's own queued record again when it is read after the command", () => {
    tracker.addCommand(command('a'));
    tracker.applyStatus(status('a', 'queued', { at: T0 }));
    expect(shown()).toEqual(['a:queued']);
    expect(tracker.get('a')?.history).toEqual([{ status: 'queued', at: T0 }]);
  });

  it('keeps statuses read before their command and applies them when it arrives, with one change', () => {
    tracker.applyStatus(status('a', 'queued', { at: T0 }));
    tracker.applyStatus(status('a', 'sent', { at: T0 + 1 }));
    tracker.applyStatus(status('a', 'failed', { at: T0 + 2 }));
    expect(tracker.get('a')).toBeUndefined();
    expect(tracker.orphanCount).toBe(1);
    tracker.addCommand(command('a'));
    expect(tracker.get('a')).toMatchObject({ status: 'failed', history: [{}, {}, {}] });
    expect(shown()).toEqual(['a:failed']);
    expect(added).toEqual([['a', false]]);
    expect(tracker.orphanCount).toBe(0);
    expect(tracker.pendingCount).toBe(0);
  });

  it('ignores a command it already has and statuses that name another device', () => {
    expect(tracker.addCommand(command('a'))).toBe(true);
    expect(tracker.addCommand(command('a', { name: 'other' }))).toBe(false);
    tracker.applyStatus(status('a', 'succeeded', { deviceId: 'dev-2' }));
    expect(tracker.get('a')).toMatchObject({ status: 'queued', command: { name: 'reboot' } });
    expect(added).toEqual([['a', true]]);
  });

  it('lists newest first by issuedAt, for all devices or one, whatever the arrival order', () => {
    tracker.addCommand(command('b', { issuedAt: T0 + 20 }));
    tracker.addCommand(command('c', { issuedAt: T0 + 30, deviceId: 'dev-2' }));
    tracker.addCommand(command('a', { issuedAt: T0 + 10 }));
    tracker.addCommand(command('d', { issuedAt: T0 + 40 }));
    expect(tracker.list(10).map((s) => s.command.id)).toEqual(['d', 'c', 'b', 'a']);
    expect(tracker.list(2).map((s) => s.command.id)).toEqual(['d', 'c']);
    expect(tracker.list(10, 'dev-1').map((s) => s.command.id)).toEqual(['d', 'b', 'a']);
    expect(tracker.list(10, 'dev-9')).toEqual([]);
    expect(tracker.list(1)[0]).toEqual({
      command: command('d', { issuedAt: T0 + 40 }),
      status: 'queued',
      updatedAt: T0 + 40,
    });
  });

  it('prunes finished commands older than the window, keeps pending ones, and drops stale orphans', () => {
    tracker.addCommand(command('old-done', { issuedAt: T0 }));
    tracker.applyStatus(status('old-done', 'succeeded'));
    tracker.addCommand(command('old-pending', { issuedAt: T0 }));
    tracker.addCommand(command('new-done', { issuedAt: T0 + 3_000_000 }));
    tracker.applyStatus(status('new-done', 'rejected'));
    tracker.applyStatus(status('lost', 'queued'));
    now = T0 + 3_600_001;
    expect(tracker.prune()).toBe(1);
    expect(tracker.get('old-done')).toBeUndefined();
    expect(tracker.list(10).map((s) => s.command.id)).toEqual(['new-done', 'old-pending']);
    expect(tracker.orphanCount).toBe(0);
    expect([...tracker.pendingCommands()].map((c) => c.id)).toEqual(['old-pending']);
  });

  it('holds at most maxOrphans, dropping the oldest', () => {
    for (const id of ['o1', 'o2', 'o3', 'o4']) tracker.applyStatus(status(id, 'queued'));
    expect(tracker.orphanCount).toBe(3);
    tracker.addCommand(command('o1'));
    expect(tracker.get('o1')?.history).toEqual([]);
    tracker.addCommand(command('o4'));
    expect(tracker.get('o4')?.history).toHaveLength(1);
  });
});
