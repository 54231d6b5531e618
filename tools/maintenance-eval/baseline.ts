import { METRICS } from '../../contracts/index.js';
import type { MachineType } from '../../hub/maintenance/detector/profiles.js';
import { holtUpdate, type Holt } from '../../hub/maintenance/detector/smoothing.js';
import type { DeviceDetector, Step } from './device-detector.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Limit {
  metric: string;
  /** +1: alarm above the commissioning envelope; -1: below it. */
  direction: 1 | -1;
  /** Alarm beyond the envelope's edge × ratio (or + add). */
  ratio?: number;
  add?: number;
  /** Failure level relative to the commissioning mean, for the straight-line RUL. */
  failRatio?: number;
  failAdd?: number;
}

// Fixed limits of the kind a plant sets once per machine class: a margin beyond the envelope
// the machine showed when commissioned, with no model of load, ambient or time of day.
const LIMITS: Record<MachineType, Limit[]> = {
  pump: [
    { metric: METRICS.vibration, direction: 1, ratio: 1.25, failRatio: 8 },
    { metric: METRICS.temperature, direction: 1, add: 4, failAdd: 12 },
    { metric: METRICS.current, direction: 1, ratio: 1.1, failRatio: 1.33 },
    { metric: METRICS.pressure, direction: -1, ratio: 0.9, failRatio: 0.69 },
  ],
  motor: [
    { metric: METRICS.vibration, direction: 1, ratio: 1.25, failRatio: 8 },
    { metric: METRICS.temperature, direction: 1, add: 4, failAdd: 35 },
  ],
};

const COMMISSIONING_MS = 24 * HOUR;
const SMOOTH_TAU_MS = 30 * MINUTE;

interface Envelope {
  sum: number;
  n: number;
  min: number;
  max: number;
}

function limitLevel(limit: Limit, env: Envelope): { alarm: number; clear: number; failure: number } {
  const mean = env.sum / env.n;
  const edge = limit.direction > 0 ? env.max : env.min;
  const alarm = limit.ratio !== undefined ? edge * limit.ratio : edge + limit.direction * (limit.add ?? 0);
  return {
    alarm,
    // The usual alarm deadband: clear only halfway back to the envelope.
    clear: (alarm + edge) / 2,
    failure: limit.failRatio !== undefined ? mean * limit.failRatio : mean + (limit.failAdd ?? 0),
  };
}

/** The fixed-threshold baseline the evaluation compares against. */
export function fixedThresholdDetector(machineType: MachineType): DeviceDetector {
  const limits = LIMITS[machineType];
  const envelopes = new Map<string, Envelope>();
  const smooth = new Map<string, Holt>();
  let firstMs: number | null = null;
  let lastMs: number | null = null;
  let open = false;

  return {
    observe(atMs, metrics): Step {
      // Like the detector: a reading not newer than the last one (a late delivery) changes nothing.
      if (lastMs !== null && atMs <= lastMs) return { opened: false, rulHours: null };
      firstMs ??= atMs;
      const dt = lastMs === null ? 0 : atMs - lastMs;
      lastMs = atMs;
      const commissioning = atMs - firstMs < COMMISSIONING_MS;
      let breached = false;
      let held = false;
      let rul: number | null = null;
      for (const limit of limits) {
        const value = metrics[limit.metric];
        if (value === undefined) continue;
        let h = smooth.get(limit.metric);
        if (h === undefined) smooth.set(limit.metric, (h = { level: value, slopePerHour: 0 }));
        holtUpdate(h, value, dt, SMOOTH_TAU_MS, 4 * SMOOTH_TAU_MS);
        let env = envelopes.get(limit.metric);
        if (commissioning) {
          if (env === undefined)
            envelopes.set(limit.metric, (env = { sum: 0, n: 0, min: h.level, max: h.level }));
          env.sum += value;
          env.n++;
          env.min = Math.min(env.min, h.level);
          env.max = Math.max(env.max, h.level);
          continue;
        }
        if (env === undefined) continue;
        const { alarm, clear, failure } = limitLevel(limit, env);
        if (limit.direction * (h.level - clear) >= 0) held = true;
        if (limit.direction * (h.level - alarm) < 0) continue;
        breached = true;
        const toGo = failure - h.level;
        if (h.slopePerHour !== 0 && Math.sign(h.slopePerHour) === Math.sign(toGo)) {
          const hours = toGo / h.slopePerHour;
          rul = rul === null ? hours : Math.min(rul, hours);
        }
      }
      const opened = !open && breached;
      open = breached || (open && held);
      return { opened, rulHours: open ? rul : null };
    },
  };
}
