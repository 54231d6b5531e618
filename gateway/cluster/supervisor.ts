import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../common/logger.js';
import { isWorkerReady, workerEnv, type WorkerReady, type WorkerStop } from './messages.js';
import type { PrimaryMetrics } from './primary-metrics.js';
import { RestartBackoff } from './restart-backoff.js';

export type WorkerState = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

export interface WorkerView {
  gatewayId: string;
  state: WorkerState;
  pid?: number;
  restarts: number;
  opsPort: number;
}

interface Slot {
  readonly gatewayId: string;
  readonly config: Config;
  readonly backoff: RestartBackoff;
  state: WorkerState;
  worker?: Worker;
  startedAt: number;
  restarts: number;
  restartTimer?: NodeJS.Timeout;
  /** Settles the first start of the slot; unset once it did. */
  firstStart?: { resolve(ready: WorkerReady): void; reject(error: Error): void };
}

interface Exit {
  gatewayId: string;
  code: number | null;
  signal: string | null;
}

/**
 * Keeps one gateway worker running per slot: forks them, restarts one that exits unasked (with
 * backoff, keeping its gateway id) and, on stop, asks every worker to drain and waits for all.
 */
export class WorkerSupervisor {
  private readonly slots: Slot[];
  private stopping: Promise<void> | undefined;

  constructor(
    workerConfigs: readonly Config[],
    private readonly metrics: PrimaryMetrics,
    private readonly log: Logger,
  ) {
    this.slots = workerConfigs.map((config) => ({
      gatewayId: config.gateway.id ?? '',
      config,
      backoff: new RestartBackoff(),
      state: 'starting',
      startedAt: 0,
      restarts: 0,
    }));
    // Every worker's series exist from the start, so that rate() sees the first restart.
    for (const { gatewayId } of this.slots) {
      metrics.workerRestarts.inc({ worker: gatewayId }, 0);
      metrics.scrapeFailures.inc({ worker: gatewayId }, 0);
    }
  }

  /** Resolves once every worker is ready; rejects, stopping the others, when one exits first. */
  async start(): Promise<WorkerReady[]> {
    // Workers accept from the shared listening sockets themselves. With round robin the primary
    // accepts every connection and queues it, without bound, until a worker takes it: in a
    // reconnect storm of 50,000 devices that queue used up the primary's files (EMFILE), and with
    // them its health endpoint and the workers' restarts. Accepting in the workers keeps the surplus
    // in the kernel's listen backlog, and a worker that has used its connection share refuses.
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    // A primary that exits without its graceful stop (a second signal, a timeout) takes no worker along.
    process.once('exit', () => this.killAll());
    const ready = this.slots.map(
      (slot) => new Promise<WorkerReady>((resolve, reject) => (slot.firstStart = { resolve, reject })),
    );
    for (const slot of this.slots) this.fork(slot);
    try {
      return await Promise.all(ready);
    } catch (error) {
      await this.stop('a worker failed to start').catch(() => undefined);
      throw error;
    }
  }

  view(): WorkerView[] {
    return this.slots.map((slot) => ({
      gatewayId: slot.gatewayId,
      state: slot.state,
      ...(slot.worker?.process.pid !== undefined && slot.state !== 'restarting'
        ? { pid: slot.worker.process.pid }
        : {}),
      restarts: slot.restarts,
      opsPort: slot.config.gateway.httpPort,
    }));
  }

  /** Asks every worker to drain and resolves when all exited; rejects when one did not exit 0. */
  stop(reason: string): Promise<void> {
    return (this.stopping ??= this.stopAll(reason));
  }

  private async stopAll(reason: string): Promise<void> {
    const exits = await Promise.all(this.slots.map((slot) => this.stopSlot(slot, reason)));
    const failed = exits.filter((exit) => exit !== undefined && exit.code !== 0);
    if (failed.length > 0) {
      throw new Error(`gateway workers did not stop cleanly: ${JSON.stringify(failed)}`);
    }
  }

  private async stopSlot(slot: Slot, reason: string): Promise<Exit | undefined> {
    clearTimeout(slot.restartTimer);
    const worker = slot.worker;
    if (worker === undefined || slot.state === 'restarting' || slot.state === 'stopped' || worker.isDead()) {
      slot.state = 'stopped';
      return undefined;
    }
    slot.state = 'stopping';
    const exited = once(worker, 'exit') as Promise<[number | null, string | null]>;
    const stop: WorkerStop = { type: 'gateway-worker-stop', reason };
    try {
      worker.send(stop);
    } catch {
      worker.process.kill('SIGTERM');
    }
    const [code, signal] = await exited;
    return { gatewayId: slot.gatewayId, code, signal };
  }

  private fork(slot: Slot): void {
    const worker = cluster.fork(workerEnv(slot.config));
    slot.worker = worker;
    slot.state = 'starting';
    slot.startedAt = Date.now();
    worker.on('message', (message: unknown) => {
      if (!isWorkerReady(message) || slot.worker !== worker) return;
      if (slot.state === 'starting') slot.state = 'running';
      this.countRunning();
      slot.firstStart?.resolve(message);
      slot.firstStart = undefined;
      this.log.info({ worker: slot.gatewayId, workerPid: worker.process.pid }, 'gateway worker ready');
    });
    worker.on('error', (error: Error) =>
      this.log.warn({ err: error, worker: slot.gatewayId }, 'gateway worker channel error'),
    );
    worker.on('exit', (code: number | null, signal: string | null) =>
      this.exited(slot, worker, code, signal),
    );
  }

  private exited(slot: Slot, worker: Worker, code: number | null, signal: string | null): void {
    if (slot.worker !== worker) return;
    const exit = { worker: slot.gatewayId, workerPid: worker.process.pid, code, signal };
    if (this.stopping !== undefined) {
      slot.state = 'stopped';
      this.countRunning();
      this.log.info(exit, 'gateway worker stopped');
      slot.firstStart?.reject(new Error(`gateway worker ${slot.gatewayId} stopped before it was ready`));
      return;
    }
    if (slot.firstStart !== undefined) {
      slot.state = 'stopped';
      slot.firstStart.reject(
        new Error(
          `gateway worker ${slot.gatewayId} exited (code ${code}, signal ${signal}) before it was ready`,
        ),
      );
      slot.firstStart = undefined;
      return;
    }
    const delayMs = slot.backoff.next(Date.now() - slot.startedAt);
    slot.state = 'restarting';
    slot.restarts++;
    this.countRunning();
    this.metrics.workerRestarts.inc({ worker: slot.gatewayId });
    this.log.error({ ...exit, restartInMs: delayMs }, 'gateway worker exited; restarting it');
    slot.restartTimer = setTimeout(() => {
      if (this.stopping === undefined) this.fork(slot);
    }, delayMs);
  }

  private countRunning(): void {
    this.metrics.workersRunning.set(this.slots.filter((s) => s.state === 'running').length);
  }

  private killAll(): void {
    for (const slot of this.slots) {
      if (slot.worker !== undefined && !slot.worker.isDead()) slot.worker.process.kill('SIGKILL');
    }
  }
}
