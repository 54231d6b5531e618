import type { Reading } from '../../contracts/index.js';
import { generateFleet, groundTruthOf, simulateDevice, type EffectOptions } from '../../device-sim/index.js';
import { machineTypeOf } from '../../hub/maintenance/detector/machine-type.js';
import type { DetectorParams } from '../../hub/maintenance/detector/params.js';
import type { MachineProfile, MachineType } from '../../hub/maintenance/detector/profiles.js';
import { fixedThresholdDetector } from './baseline.js';
import type { DeviceDetector } from './device-detector.js';
import { modelDetector } from './model-detector.js';
import { aggregate, scoreDevice, type DeviceOutcome, type DeviceScore, type Figures } from './score.js';

const HOUR_MS = 3_600_000;

export interface EvaluationOptions {
  seed: number;
  devices: number;
  faults: number;
  days: number;
  /** Simulated time between readings. */
  intervalMs: number;
  startMs: number;
  /** The simulator's effects; none by default. */
  effects?: EffectOptions;
  profiles: Record<MachineType, MachineProfile>;
  params: DetectorParams;
}

export interface EvaluationResult {
  seed: number;
  devices: number;
  faults: number;
  days: number;
  intervalMinutes: number;
  effects: readonly string[];
  detector: Figures;
  baseline: Figures;
  seconds: number;
}

export interface RunScores {
  detector: DeviceScore[];
  baseline: DeviceScore[];
  seconds: number;
}

/**
 * Runs the simulator's fleet through the pure device models, in process, and feeds every
 * reading to the maintenance detector and to a fixed-threshold baseline side by side, in the
 * order the transport delivers them (late readings arrive after newer ones).
 */
export function runScores(o: EvaluationOptions, cell?: string): RunScores {
  const started = process.hrtime.bigint();
  const endMs = o.startMs + o.days * 24 * HOUR_MS;
  const specs = generateFleet({
    devices: o.devices,
    seed: o.seed,
    faults: o.faults,
    prefix: 'eval-',
    startMs: o.startMs,
    horizonMs: endMs - o.startMs,
    effects: o.effects,
  });
  const detector: DeviceScore[] = [];
  const baseline: DeviceScore[] = [];
  const window = { fromMs: o.startMs, toMs: endMs, intervalMs: o.intervalMs };
  for (const spec of specs) {
    const truth = groundTruthOf(spec);
    const a: DeviceOutcome = { truth, alertsOpenedMs: [], rul: [] };
    const b: DeviceOutcome = { truth, alertsOpenedMs: [], rul: [] };
    let detectors: [DeviceDetector, DeviceDetector] | null = null;
    let newestMs = -Infinity;
    let unknownType = false;
    for (const sample of simulateDevice(spec, window)) {
      for (const reading of delivered(sample.late, sample.reading)) {
        const atMs = reading.ts ?? sample.atMs;
        if (detectors === null) {
          const type = machineTypeOf(undefined, reading.metrics);
          if (type === null) {
            unknownType = true;
            break;
          }
          detectors = [
            modelDetector(spec.deviceId, o.profiles[type], o.params, atMs),
            fixedThresholdDetector(type),
          ];
        }
        // An operator sees the RUL of the newest reading; a late one does not take it back in time.
        const fresh = atMs > newestMs;
        newestMs = Math.max(newestMs, atMs);
        const inWindow = truth.onsetMs !== null && atMs >= truth.onsetMs;
        for (const [d, outcome] of [
          [detectors[0], a],
          [detectors[1], b],
        ] as const) {
          const step = d.observe(atMs, reading.metrics);
          if (step.opened) outcome.alertsOpenedMs.push(atMs);
          if (fresh && inWindow) outcome.rul.push({ atMs, hours: step.rulHours });
        }
      }
      if (unknownType) break;
    }
    detector.push(scoreDevice(a, o.startMs, endMs, cell));
    baseline.push(scoreDevice(b, o.startMs, endMs, cell));
  }
  return { detector, baseline, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function delivered(late: readonly Reading[], reading: Reading | null): readonly Reading[] {
  if (late.length === 0) return reading === null ? [] : [reading];
  return reading === null ? late : [...late, reading];
}

/** One run, scored: the single-run CLI. */
export function evaluate(o: EvaluationOptions): EvaluationResult {
  const run = runScores(o);
  return {
    seed: o.seed,
    devices: o.devices,
    faults: o.faults,
    days: o.days,
    intervalMinutes: o.intervalMs / 60_000,
    effects: o.effects?.enabled ?? [],
    detector: aggregate(run.detector),
    baseline: aggregate(run.baseline),
    seconds: Number(run.seconds.toFixed(1)),
  };
}
