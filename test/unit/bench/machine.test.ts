import { describe, expect, it } from 'vitest';
import { describeMachine, parseOpenFilesLimit } from '../../../bench/machine.js';

describe('parseOpenFilesLimit', () => {
  it('reads the soft and hard limits of /proc/<pid>/limits', () => {
    const limits = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max processes             unlimited            unlimited            processes ',
      'Max open files            1024                 20000                files     ',
    ].join('\n');
    expect(parseOpenFilesLimit(limits)).toEqual({ soft: 1024, hard: 20000 });
  });

  it('gives null for unlimited or missing values', () => {
    expect(parseOpenFilesLimit('Max open files   unlimited   unlimited   files')).toEqual({
      soft: null,
      hard: null,
    });
    expect(parseOpenFilesLimit('')).toEqual({ soft: null, hard: null });
  });
});

describe('describeMachine', () => {
  it('names cores, memory, node and kernel', () => {
    const machine = describeMachine();
    expect(machine.cores).toBeGreaterThan(0);
    expect(machine.totalMemoryGiB).toBeGreaterThan(0);
    expect(machine.node).toBe(process.version);
    expect(machine.kernel).toMatch(/\S+ \S+/);
  });
});
