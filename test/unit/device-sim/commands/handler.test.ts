import { describe, expect, it } from 'vitest';
import { commandResultPayloadSchema } from '../../../../contracts/index.js';
import {
  handleCommand,
  type CommandContext,
  type CommandOutcome,
} from '../../../../device-sim/commands/handler.js';
import { RecentIds } from '../../../../device-sim/commands/recent-ids.js';

const NOW = Date.UTC(2025, 5, 1, 12);
let counter = 0;

function context(overrides: Partial<CommandContext> = {}): CommandContext {
  return { nowMs: NOW, machineFailed: false, seen: new RecentIds(16), ...overrides };
}

function command(params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ id: `cmd-${++counter}`, params, expiresAt: NOW + 60_000, ...extra });
}

function answer(outcome: CommandOutcome) {
  if (outcome.kind !== 'answer') throw new Error(`expected an answer, got ${outcome.kind}`);
  expect(commandResultPayloadSchema.safeParse(outcome.result).success).toBe(true);
  return outcome;
}

describe('handleCommand', () => {
  it.each([
    [{ intervalMs: 250 }, 250],
    [{ hz: 4 }, 250],
    [{ hz: 0.5 }, 2000],
  ])('set-sample-rate %j sets the interval', (params, intervalMs) => {
    const out = answer(handleCommand('set-sample-rate', command(params), context()));
    expect(out.result).toMatchObject({ status: 'succeeded', data: { intervalMs } });
    expect(out.effect).toEqual({ kind: 'set-interval', intervalMs });
  });

  it.each([{}, { intervalMs: 5 }, { hz: 1000 }, { intervalMs: 100, hz: 10 }, { intervalMs: 'fast' }])(
    'set-sample-rate %j is rejected with a reason',
    (params) => {
      const out = answer(handleCommand('set-sample-rate', command(params), context()));
      expect(out.result.status).toBe('rejected');
      expect(out.result.detail).toMatch(/^invalid params: /);
      expect(out.effect).toBeNull();
    },
  );

  it('reboot answers first, then asks for a reboot after the delay', () => {
    expect(answer(handleCommand('reboot', command(), context())).effect).toEqual({
      kind: 'reboot',
      delayMs: 2000,
    });
    const out = answer(handleCommand('reboot', command({ delayMs: 500 }), context()));
    expect(out.result.status).toBe('succeeded');
    expect(out.effect).toEqual({ kind: 'reboot', delayMs: 500 });
    expect(answer(handleCommand('reboot', command({ delayMs: -1 }), context())).result.status).toBe(
      'rejected',
    );
  });

  it('set-load takes a load within 0..1', () => {
    const out = answer(handleCommand('set-load', command({ load: 0.4 }), context()));
    expect(out.result).toMatchObject({ status: 'succeeded', data: { load: 0.4 } });
    expect(out.effect).toEqual({ kind: 'set-load', load: 0.4 });
    for (const load of [1.5, -0.1, '0.5', undefined]) {
      expect(answer(handleCommand('set-load', command({ load }), context())).result.status).toBe('rejected');
    }
  });

  it('calibrate resets the sensors', () => {
    const out = answer(handleCommand('calibrate', command(), context()));
    expect(out.result.status).toBe('succeeded');
    expect(out.effect).toEqual({ kind: 'calibrate' });
  });

  it('fails set-load and calibrate on a failed machine, but still reboots it', () => {
    const failed = context({ machineFailed: true });
    for (const [name, params] of [
      ['set-load', { load: 0.5 }],
      ['calibrate', {}],
    ] as const) {
      const out = answer(handleCommand(name, command(params), failed));
      expect(out.result.status).toBe('failed');
      expect(out.result.detail).toMatch(/failed/);
      expect(out.effect).toBeNull();
    }
    expect(answer(handleCommand('reboot', command(), failed)).result.status).toBe('succeeded');
  });

  it('rejects an unknown command, naming it', () => {
    const out = answer(handleCommand('self-destruct', command(), context()));
    expect(out.result.status).toBe('rejected');
    expect(out.result.detail).toContain('"self-destruct"');
    expect(out.effect).toBeNull();
  });

  it('rejects an expired command without running it', () => {
    const out = answer(handleCommand('set-load', command({ load: 0.2 }, { expiresAt: NOW - 1 }), context()));
    expect(out.result.status).toBe('rejected');
    expect(out.result.detail).toMatch(/^expired at 2025-06-01T11:59:59.999Z/);
    expect(out.effect).toBeNull();
  });

  it('answers a duplicate command id once', () => {
    const ctx = context();
    const payload = command({ load: 0.3 });
    expect(handleCommand('set-load', payload, ctx).kind).toBe('answer');
    expect(handleCommand('set-load', payload, ctx)).toEqual({ kind: 'duplicate', id: `cmd-${counter}` });
    // Even under another name: the id identifies the command.
    expect(handleCommand('calibrate', payload, ctx).kind).toBe('duplicate');
  });

  it('rejects a payload that breaks the contract but carries an id', () => {
    const out = answer(handleCommand('set-load', JSON.stringify({ id: 'c-1', params: [] }), context()));
    expect(out.result).toMatchObject({ id: 'c-1', status: 'rejected' });
    expect(out.result.detail).toMatch(/^invalid command payload: /);
  });

  it('cannot answer a payload without a usable id', () => {
    for (const payload of ['not json', '{}', JSON.stringify({ id: 'bad id', params: {}, expiresAt: NOW })]) {
      expect(handleCommand('set-load', payload, context()).kind).toBe('undecodable');
    }
  });
});

describe('RecentIds', () => {
  it('forgets the oldest id beyond its capacity', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c']) expect(ids.add(id)).toBe(true);
    expect(ids.add('a')).toBe(false);
    ids.add('d');
    expect(ids.size).toBe(3);
    expect(ids.has('a')).toBe(false);
    expect(ids.has('d')).toBe(true);
  });
});
