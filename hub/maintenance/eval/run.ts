import { generateFleet, groundTruthOf, simulateDevice } from '../../../device-sim/index.js';
import { machineTypeOf } from '../detector/machine-type.js';
import type { DetectorParams } from '../detector/params.js';
import type { MachineProfile, MachineType } from '../detector/profiles.js';
import { fixedThresholdDetector } from './baseline.js';
import type { DeviceDetector } from './device-detector.js';
import { modelDetector } from './model-detector.js';
import { score, type DeviceOutcome, type Figures } from './score.js';

const HOUR_MS = 3_600_000;

export interface EvaluationOptions {
  seed: number;
  devices: number;
  faults: number;
  days: number;
  /** Simulated time between readings. */
  intervalMs: number;
  startMs: number;
  profiles: Record<MachineType, MachineProfile>;
  params: DetectorParams;
}

export interface EvaluationResult {
  seed: number;
  devices: number;
  faults: number;
  days: number;
  intervalMinutes: number;
  detector: Figures;
  baseline: Figures;
  seconds: number;
}

/**
 * Runs the simulator's fleet through the pure device models, in process, and feeds every
 * reading to the maintenance detector and to a fixed-threshold baseline side by side.
 */
export function evaluate(o: EvaluationOptions): EvaluationResult {
  const started = process.hrtime.bigint();
  const endMs = o.startMs + o.days * 24 * HOUR_MS;
  const specs = generateFleet({
    devices: o.devices,
    seed: o.seed,
    faults: o.faults,
    prefix: 'eval-',
    startMs: o.startMs,
    horizonMs: endMs - o.startMs,
  });
  const model: DeviceOutcome[] = [];
  const fixed: DeviceOutcome[] = [];
  for (const spec of specs) {
    const truth = groundTruthOf(spec);
    const a: DeviceOutcome = { truth, alertsOpenedMs: [], rul: [] };
    const b: DeviceOutcome = { truth, alertsOpenedMs: [], rul: [] };
    let detectors: [DeviceDetector, DeviceDetector] | null = null;
    const window = { fromMs: o.startMs, toMs: endMs, intervalMs: o.intervalMs };
    for (const sample of simulateDevice(spec, window)) {
      const reading = sample.reading;
      if (reading === null) continue;
      if (detectors === null) {
        const type = machineTypeOf(undefined, reading.metrics);
        if (type === null) break;
        detectors = [
          modelDetector(spec.deviceId, o.profiles[type], o.params, sample.atMs),
          fixedThresholdDetector(type),
        ];
      }
      const inWindow = truth.onsetMs !== null && sample.atMs >= truth.onsetMs;
      for (const [detector, outcome] of [
        [detectors[0], a],
        [detectors[1], b],
      ] as const) {
        const step = detector.observe(sample.atMs, reading.metrics);
        if (step.opened) outcome.alertsOpenedMs.push(sample.atMs);
        if (inWindow) outcome.rul.push({ atMs: sample.atMs, hours: step.rulHours });
      }
    }
    model.push(a);
    fixed.push(b);
  }
  return {
    seed: o.seed,
    devices: o.devices,
    faults: o.faults,
    days: o.days,
    intervalMinutes: o.intervalMs / 60_000,
    detector: score(model, o.startMs, endMs),
    baseline: score(fixed, o.startMs, endMs),
    seconds: Number((Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)),
  };
}
