import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { processUsage } from './stats.js';

export interface UsageReport {
  /** CPU time over wall time; 100 is one core busy. */
  cpuPercent: number;
  rssMiB?: number;
}

function tryUsage(pid: number): { cpuSeconds: number; rssBytes: number } | undefined {
  try {
    return processUsage(pid);
  } catch {
    return undefined;
  }
}

/** Busy and total CPU time of the whole machine (all cores) from the first line of /proc/stat. */
export function parseProcStat(stat: string): { busy: number; total: number } {
  const [, ...fields] = (stat.split('\n')[0] ?? '').trim().split(/\s+/);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    fields.map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

function machineTicks(): { busy: number; total: number } | undefined {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * CPU and memory of a few processes over one interval, from /proc, and the CPU of all processes
 * together (`allProcesses`): on shared cores, what else ran shows there.
 */
export class UsageMeter {
  private readonly before = new Map<string, { cpuSeconds: number; rssBytes: number }>();
  private machineBefore: { busy: number; total: number } | undefined;
  private started = 0;

  constructor(private readonly pids: Record<string, number | undefined>) {}

  start(): this {
    this.started = performance.now();
    this.machineBefore = machineTicks();
    for (const [name, pid] of Object.entries(this.pids)) {
      const usage = pid === undefined ? undefined : tryUsage(pid);
      if (usage) this.before.set(name, usage);
    }
    return this;
  }

  /** Per process: CPU since start() and the resident memory now. */
  stop(): Record<string, UsageReport> {
    const seconds = (performance.now() - this.started) / 1000;
    const report: Record<string, UsageReport> = {};
    const machine = machineTicks();
    const before = this.machineBefore;
    if (machine && before && machine.total > before.total) {
      const share = (machine.busy - before.busy) / (machine.total - before.total);
      report.allProcesses = { cpuPercent: Math.round(share * cpus().length * 100) };
    }
    for (const [name, pid] of Object.entries(this.pids)) {
      const before = this.before.get(name);
      const after = pid === undefined ? undefined : tryUsage(pid);
      if (!before || !after) continue;
      report[name] = {
        cpuPercent: Math.round(((after.cpuSeconds - before.cpuSeconds) / seconds) * 100),
        rssMiB: Math.round(after.rssBytes / 2 ** 20),
      };
    }
    return report;
  }
}

/** The pid of the Kafka broker that `npm run infra:up` started, if it runs here. */
export async function localKafkaBrokerPid(): Promise<number | undefined> {
  const dataDir = process.env.IOT_DATA_DIR ?? '.data';
  try {
    const pid = Number((await readFile(`${dataDir}/kafka/kafka.pid`, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
