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

function readLimits(): string {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return '';
  }
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
