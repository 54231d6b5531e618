import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_STATUSES,
  isTerminalCommandStatus,
  type CommandStatus,
} from '../../../../contracts/index.js';
import { Lifecycle, MAX_HISTORY_ENTRIES, type StatusEntry } from '../../../../hub/commands/lifecycle.js';

const RANK: Record<CommandStatus, number> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  succeeded: 3,
  failed: 3,
  rejected: 3,
  expired: 3,
};

function run(statuses: CommandStatus[]): { lifecycle: Lifecycle; changes: boolean[] } {
  const lifecycle = new Lifecycle();
  const changes = statuses.map((status, i) => lifecycle.apply({ status, at: 1000 + i }));
  return { lifecycle, changes };
}

describe('Lifecycle', () => {
  it('follows queued, sent, delivered, succeeded and records each', () => {
    const { lifecycle, changes } = run(['queued', 'sent', 'delivered', 'succeeded']);
    expect(changes).toEqual([true, true, true, true]);
    expect(lifecycle.current).toEqual({ status: 'succeeded', at: 1003 });
    expect(lifecycle.terminal).toBe(true);
    expect(lifecycle.history.map((h) => h.status)).toEqual(['queued', 'sent', 'delivered', 'succeeded']);
  });

  it('never moves back: a re-send after delivered is history, the current status stays delivered', () => {
    const { lifecycle, changes } = run(['queued', 'sent', 'delivered', 'sent', 'delivered']);
    expect(changes).toEqual([true, true, true, false, false]);
    expect(lifecycle.current).toEqual({ status: 'delivered', at: 1002 });
    expect(lifecycle.history).toHaveLength(5);
  });

  it('takes a later rank even when earlier ones were skipped or arrive late', () => {
    const { lifecycle, changes } = run(['delivered', 'sent', 'queued']);
    expect(changes).toEqual([true, false, false]);
    expect(lifecycle.current?.status).toBe('delivered');
  });

  it('keeps the first terminal status: a late result after expired, or a second expired, changes nothing', () => {
    const { lifecycle, changes } = run(['queued', 'sent', 'expired', 'succeeded', 'expired']);
    expect(changes).toEqual([true, true, true, false, false]);
    expect(lifecycle.current).toEqual({ status: 'expired', at: 1002 });
    expect(lifecycle.history.map((h) => h.status)).toEqual([
      'queued',
      'sent',
      'expired',
      'succeeded',
      'expired',
    ]);
  });

  it('bounds the history, but always keeps the entries that changed the status', () => {
    const lifecycle = new Lifecycle();
    lifecycle.apply({ status: 'queued', at: 0 });
    lifecycle.apply({ status: 'sent', at: 1 });
    for (let i = 0; i < 100; i++) lifecycle.apply({ status: 'sent', at: 2 + i, gatewayId: `gw-${i}` });
    lifecycle.apply({ status: 'failed', at: 500, detail: 'no' });
    expect(lifecycle.history).toHaveLength(MAX_HISTORY_ENTRIES + 1);
    expect(lifecycle.history.at(-1)).toEqual({ status: 'failed', at: 500, detail: 'no' });
    expect(lifecycle.dropped).toBe(102 - MAX_HISTORY_ENTRIES);
    expect(lifecycle.current?.status).toBe('failed');
  });

  it('for any order of records: the rank never falls, and the first terminal record is final', () => {
    const status = fc.constantFrom(...COMMAND_STATUSES);
    fc.assert(
      fc.property(fc.array(status, { maxLength: 40 }), (statuses) => {
        const lifecycle = new Lifecycle();
        let previous: StatusEntry | undefined;
        for (const [i, s] of statuses.entries()) {
          lifecycle.apply({ status: s, at: i });
          const current = lifecycle.current!;
          if (previous) expect(RANK[current.status]).toBeGreaterThanOrEqual(RANK[previous.status]);
          if (previous && isTerminalCommandStatus(previous.status)) expect(current).toBe(previous);
          previous = current;
        }
        const firstTerminal = statuses.findIndex(isTerminalCommandStatus);
        if (firstTerminal >= 0)
          expect(lifecycle.current).toEqual({ status: statuses[firstTerminal], at: firstTerminal });
        else expect(lifecycle.terminal).toBe(false);
      }),
    );
  });
});
