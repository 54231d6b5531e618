import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';

export interface Machine {
  cores: number;
  cpuModel: string | undefined;
  totalMemoryGiB: number;
  node: string;
  kernel: string;
  openFilesLimit: { soft: number | null; hard: number | null };
  /** Load average over the last minute (when the scenario started): other work on the same cores. */
  loadAverage1m: number;
}

/** The soft and hard "Max open files" of a /proc/<pid>/limits text; null for "unlimited" or missing. */
export function parseOpenFilesLimit(limits: string): { soft: number | null; hard: number | null } {
  const line = limits.split('\n').find((l) => l.startsWith('Max open files'));
  const [soft, hard] = (line ?? '').replace('Max open files', '').trim().split(/\s+/);
  const asNumber = (v: string | undefined): number | null => (v && /^\d+$/.test(v) ? Number(v) : null);
  return { soft: asNumber(soft), hard: asNumber(hard) };
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function readLimits(): string {
  return readOr('/proc/self/limits');
}

/** What a benchmark figure depends on besides its parameters. */
export function describeMachine(): Machine {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim(),
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: `${type()} ${release()}`,
    openFilesLimit: parseOpenFilesLimit(readLimits()),
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

/** The kernel's count of connections its listen queues had no room for, and whether it refuses them. */
export interface ListenQueueCounters {
  /** `TcpExt ListenOverflows`: handshakes completed while an accept queue was full (host-wide). */
  overflows: number | null;
  /** `net.ipv4.tcp_abort_on_overflow`: 1 answers such a handshake with a reset, 0 drops it silently. */
  abortOnOverflow: number | null;
}

/** The `TcpExt` counter `name` of a /proc/net/netstat text, or null when it has none. */
export function netstatCounter(netstat: string, name: string): number | null {
  const lines = netstat.split('\n').filter((l) => l.startsWith('TcpExt:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const at = names.indexOf(name);
  const value = at > 0 ? values[at] : undefined;
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

export function listenQueueCounters(): ListenQueueCounters {
  const abort = readOr('/proc/sys/net/ipv4/tcp_abort_on_overflow').trim();
  return {
    overflows: netstatCounter(readOr('/proc/net/netstat'), 'ListenOverflows'),
    abortOnOverflow: /^\d+$/.test(abort) ? Number(abort) : null,
  };
}

/** Overflows between two readings; null where either could not be read. */
export function overflowsBetween(before: ListenQueueCounters, after: ListenQueueCounters): number | null {
  return before.overflows === null || after.overflows === null ? null : after.overflows - before.overflows;
}
