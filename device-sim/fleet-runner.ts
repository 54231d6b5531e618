import { z } from 'zod';
import { summarizeIssues } from '../contracts/index.js';
import type { BackoffOptions } from '../common/retry.js';
import { DAY_MS } from './duration.js';
import { DEFAULT_SITES, EFFECT_NAMES } from './effects.js';
import { generateFleet } from './fleet.js';
import { writeGroundTruth } from './ground-truth.js';
import { initialState } from './model/step.js';
import type { DeviceSpec } from './model/types.js';
import { noCredentials, type CredentialSource } from './runtime/credentials.js';
import { SIM_RECONNECT_BACKOFF } from './runtime/reconnect-backoff.js';
import { SimDevice, type DeviceEnv } from './runtime/sim-device.js';
import { StatsCollector, type FleetStats, type Summary } from './runtime/stats.js';
import { TimerHeap } from './runtime/timer-heap.js';
import { createSimClock, type SimClock } from './sim-clock.js';

export const DEVICE_PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,50}$/;

const fleetSettingsSchema = z.object({
  url: z.string().min(1),
  devices: z.int().min(1).max(100_000),
  /** Readings per second of wall time, per device. */
  ratePerSec: z.number().positive().max(100).default(1),
  /** Wall time to run; without it the fleet runs until `stop()`. */
  durationMs: z.int().positive().optional(),
  seed: z.int().min(0).max(0xffff_ffff).default(1),
  qos: z.union([z.literal(0), z.literal(1)]).default(1),
  faults: z.number().min(0).max(1).default(0.1),
  /** Simulated time runs this many times faster than wall time. */
  speed: z.number().positive().max(1_000_000).default(1),
  prefix: z
    .string()
    .regex(DEVICE_PREFIX_PATTERN, 'prefix must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,50}$')
    .default('sim-'),
  /** New connections per second of wall time. */
  rampPerSec: z.number().positive().default(200),
  /** Simulated epoch ms at start; default now. */
  startMs: z.int().min(0).optional(),
  /** Simulated span failures are placed in; default the run's simulated length, or 7 days. */
  horizonMs: z.int().min(0).optional(),
  groundTruthFile: z.string().min(1).optional(),
  /** Switchable effects (`effects.ts`); none by default. */
  effects: z.array(z.enum(EFFECT_NAMES)).default([]),
  /** Scales how often sensor trouble happens, with the glitches, dropouts and late-readings effects. */
  troubleRate: z.number().positive().max(100).default(1),
  /** Sites the fleet is spread over, with effects on. */
  sites: z.int().min(1).max(1_000).default(DEFAULT_SITES),
  maxInFlightPerDevice: z.int().min(1).default(100),
  /** How long `stop()` waits for unacknowledged QoS 1 messages before disconnecting. */
  drainMs: z.int().min(0).default(3_000),
  tickMs: z.int().min(1).max(1_000).default(20),
  keepaliveSec: z.int().min(0).default(30),
  connectTimeoutMs: z.int().positive().default(10_000),
});

export type FleetSettings = z.input<typeof fleetSettingsSchema>;

export interface FleetOptions extends FleetSettings {
  credentials?: CredentialSource;
  reconnect?: BackoffOptions;
  /** Rare, human-readable news: the first error of each kind, mostly. */
  onNotice?: (message: string) => void;
}

export interface FleetHandle {
  readonly specs: readonly DeviceSpec[];
  readonly clock: SimClock;
  stats(): FleetStats;
  /** Resolves once `count` devices (default all) are connected; rejects on timeout or stop. */
  waitForConnected(count?: number, timeoutMs?: number): Promise<void>;
  /** Settles with the summary when the duration elapses or `stop()` finishes. */
  readonly finished: Promise<Summary>;
  /** Stops sampling, waits up to `drainMs` for acknowledgements, disconnects all; idempotent. */
  stop(): Promise<Summary>;
}

/** Starts a simulated fleet in this process. Ground truth, if asked for, is written before any connection. */
export async function startFleet(options: FleetOptions): Promise<FleetHandle> {
  const parsed = fleetSettingsSchema.safeParse(options);
  if (!parsed.success) throw new RangeError(`invalid fleet options: ${summarizeIssues(parsed.error.issues)}`);
  const settings = parsed.data;
  const credentials = options.credentials ?? noCredentials;
  const notice = options.onNotice ?? (() => undefined);

  const wallStart = Date.now();
  const clock = createSimClock(settings.startMs ?? wallStart, wallStart, settings.speed);
  const horizonMs =
    settings.horizonMs ??
    (settings.durationMs === undefined ? 7 * DAY_MS : Math.round(settings.durationMs * settings.speed));
  const specs = generateFleet({
    devices: settings.devices,
    seed: settings.seed,
    faults: settings.faults,
    prefix: settings.prefix,
    startMs: clock.startSimMs,
    horizonMs,
    effects: { enabled: settings.effects, troubleRate: settings.troubleRate, sites: settings.sites },
  });
  if (settings.groundTruthFile !== undefined) await writeGroundTruth(settings.groundTruthFile, specs);

  const stats = new StatsCollector(specs.length);
  const heap = new TimerHeap();
  const intervalMs = 1000 / settings.ratePerSec;
  const env: DeviceEnv = {
    url: settings.url,
    qos: settings.qos,
    clock,
    stats,
    backoff: options.reconnect ?? SIM_RECONNECT_BACKOFF,
    maxInFlight: settings.maxInFlightPerDevice,
    keepaliveSec: settings.keepaliveSec,
    connectTimeoutMs: settings.connectTimeoutMs,
    notice,
    schedule: (device, dueMs) => heap.schedule(device.key, dueMs),
  };
  const devices = specs.map(
    (spec, i) => new SimDevice(spec, i, initialState(spec, clock.startSimMs), intervalMs, env),
  );

  let nextToStart = 0;
  let stopping: Promise<Summary> | null = null;
  let stoppedAtWall = 0;
  let settle: (summary: Summary) => void = () => undefined;
  const finished = new Promise<Summary>((resolve) => (settle = resolve));

  const startDevice = (device: SimDevice): void => {
    stats.started++;
    credentials
      .credentialsFor(device.spec.deviceId)
      .then((creds) => device.connect(creds))
      .catch((err: unknown) => {
        if (stats.error('credentials')) notice(`${device.spec.deviceId}: no credentials: ${String(err)}`);
      });
  };

  const tick = (): void => {
    const now = Date.now();
    const due = Math.min(devices.length, Math.floor(((now - wallStart) * settings.rampPerSec) / 1000) + 1);
    while (nextToStart < due) startDevice(devices[nextToStart++] as SimDevice);
    for (const { key, dueMs } of heap.popDue(now)) {
      const device = devices[key] as SimDevice;
      device.sample(now);
      // A tick that fell behind takes one reading, not a burst of catch-up readings.
      const missed = Math.floor((now - dueMs) / device.intervalMs);
      stats.skipped.late += missed;
      heap.schedule(key, dueMs + (missed + 1) * device.intervalMs);
    }
    if (settings.durationMs !== undefined && now - wallStart >= settings.durationMs) void stop();
  };
  const summarize = (): Summary => ({
    ...stats.snapshot(clock.simAt(stoppedAtWall)),
    qos: settings.qos,
    durationMs: stoppedAtWall - wallStart,
    ackLatencyMs: stats.latency.percentiles(),
  });

  const ticker = setInterval(tick, settings.tickMs);
  const stop = (): Promise<Summary> => {
    stopping ??= (async () => {
      clearInterval(ticker);
      stoppedAtWall = Date.now();
      await waitFor(() => stats.inFlight === 0, settings.drainMs);
      await Promise.all(devices.map((d) => d.stop(d.connected && d.unacknowledged === 0)));
      const summary = summarize();
      settle(summary);
      return summary;
    })();
    return stopping;
  };

  const waitForConnected = async (count = devices.length, timeoutMs = 30_000): Promise<void> => {
    const ok = await waitFor(() => stats.connected >= count || stopping !== null, timeoutMs);
    if (!ok || stats.connected < count) {
      throw new Error(`${stats.connected} of ${count} devices connected after ${timeoutMs} ms`);
    }
  };

  tick();

  return {
    specs,
    clock,
    stats: () => stats.snapshot(clock.simAt(stopping === null ? Date.now() : stoppedAtWall)),
    waitForConnected,
    finished,
    stop,
  };
}

/** Runs a fleet for `durationMs` and returns its summary. */
export async function runFleet(options: FleetOptions & { durationMs: number }): Promise<Summary> {
  const fleet = await startFleet(options);
  return fleet.finished;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
