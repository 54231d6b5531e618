import { describe, expect, it } from 'vitest';
import {
  describeMachine,
  netstatCounter,
  overflowsBetween,
  parseOpenFilesLimit,
} from '../../../bench/machine.js';

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

describe('netstatCounter', () => {
  const netstat = [
    'TcpExt: SyncookiesSent ListenOverflows ListenDrops',
    'TcpExt: 84204 1592758 1592759',
    'IpExt: InNoRoutes ListenOverflows',
    'IpExt: 0 7',
  ].join('\n');

  it('reads a TcpExt counter by its name, not by position or from another section', () => {
    expect(netstatCounter(netstat, 'ListenOverflows')).toBe(1_592_758);
    expect(netstatCounter(netstat, 'ListenDrops')).toBe(1_592_759);
  });

  it('gives null for a counter the kernel does not have, or no text', () => {
    expect(netstatCounter(netstat, 'TcpExt:')).toBeNull();
    expect(netstatCounter(netstat, 'Missing')).toBeNull();
    expect(netstatCounter('', 'ListenOverflows')).toBeNull();
  });
});

describe('overflowsBetween', () => {
  it('is the growth of the counter, or null when a reading failed', () => {
    expect(
      overflowsBetween({ overflows: 10, abortOnOverflow: 0 }, { overflows: 25, abortOnOverflow: 0 }),
    ).toBe(15);
    expect(
      overflowsBetween({ overflows: null, abortOnOverflow: 0 }, { overflows: 25, abortOnOverflow: 0 }),
    ).toBeNull();
  });
});
