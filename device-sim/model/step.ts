import { METRICS, type EventPayload } from '../../contracts/index.js';
import { Rng, deriveSeed } from '../prng.js';
import { NO_SYMPTOMS, advanceWear, faultSymptoms, progress, wearWindowMs } from './degradation.js';
import { runClockOf } from './duty.js';
import { lagFraction } from './environment.js';
import {
  processRunning,
  runningMetrics,
  stoppedMetrics,
  temperatureTarget,
  temperatureTauMs,
} from './machine.js';
import { roundTo } from './round.js';
import { advanceLoad, advanceSpikes, firstLoad, firstSpike, spikeFactorAt } from './operating.js';
import { advanceTrouble, deliver, effectStateCreate, inGlitch, withGlitch } from './sensor-trouble.js';
import type { DeviceSpec, ModelState, StepResult } from './types.js';
import { ambientAt } from './weather.js';

const DAY_MS = 86_400_000;
const TEMPERATURE_NOISE_SD_C = 0.15;

/** The state of a device at `startMs`, already degraded if its onset lies before that. */
export function initialState(spec: DeviceSpec, startMs: number): ModelState {
  const events = new Rng(deriveSeed(spec.seed, 'events'));
  const load = firstLoad(events, startMs);
  const spike = firstSpike(events, startMs);
  const fault = spec.fault;
  const wearMs =
    fault === null ? 0 : Math.min(wearWindowMs(fault), runClockOf(spec).runningMs(fault.onsetMs, startMs));
  const failedAtMs = fault !== null && startMs >= fault.failureMs ? fault.failureMs : null;
  const sym = fault === null ? NO_SYMPTOMS : faultSymptoms(fault, progress(fault, wearMs));
  const ambient = ambientAt(spec, startMs);
  const running = failedAtMs === null && processRunning(spec, startMs);
  const state: ModelState = {
    lastMs: startMs,
    eventRng: events.state,
    noiseRng: deriveSeed(spec.seed, 'noise'),
    ...load,
    ...spike,
    loadLimit: 1,
    wearMs,
    // A machine first seen while stopped has cooled to the air around it.
    temperatureC: running ? temperatureTarget(spec, load.load, ambient, sym) : ambient,
    calibratedAtMs: startMs,
    failedAtMs,
  };
  if (spec.effects !== undefined) {
    state.fx = effectStateCreate(
      spec.effects,
      {
        glitch: deriveSeed(spec.seed, 'glitches'),
        drop: deriveSeed(spec.seed, 'dropouts'),
        late: deriveSeed(spec.seed, 'late'),
      },
      startMs,
    );
  }
  return state;
}

/**
 * Advances one device to simulated time `atMs` and measures it. Pure: the same spec, state and
 * time give the same result, with no I/O, so evaluations can drive it without MQTT.
 */
export function stepDevice(spec: DeviceSpec, state: ModelState, atMs: number): StepResult {
  const t = Math.max(atMs, state.lastMs);
  const s: ModelState = { ...state };
  if (state.fx !== undefined) s.fx = { ...state.fx };
  const events: EventPayload[] = [];

  const scheduled = new Rng(s.eventRng);
  advanceLoad(s, scheduled, t);
  advanceSpikes(s, scheduled, t);
  s.eventRng = scheduled.state;
  const fx = spec.effects;
  if (fx !== undefined && s.fx !== undefined) advanceTrouble(fx, s.fx, t);

  const fault = spec.fault;
  let sym = NO_SYMPTOMS;
  if (fault !== null) {
    if (s.failedAtMs === null) {
      const wear = advanceWear(fault, s.wearMs, s.loadLimit, state.lastMs, t, runClockOf(spec));
      s.wearMs = wear.wearMs;
      if (wear.failedAtMs !== null) {
        s.failedAtMs = wear.failedAtMs;
        events.push(failureEvent(spec, wear.failedAtMs));
      }
    }
    sym = faultSymptoms(fault, progress(fault, s.wearMs));
  }

  const failed = s.failedAtMs !== null;
  const running = !failed && processRunning(spec, t);
  const ambient = ambientAt(spec, t);
  const load = s.load * s.loadLimit;
  const target = running ? temperatureTarget(spec, load, ambient, sym) : ambient;
  s.temperatureC += (target - s.temperatureC) * lagFraction(t - state.lastMs, temperatureTauMs(spec));
  s.lastMs = t;

  if (failed && fault?.afterFailure === 'silent') return { state: s, reading: null, events };

  const noise = new Rng(s.noiseRng);
  let measured = running
    ? runningMetrics(spec, load, s.temperatureC, sym, spikeFactorAt(s, t), noise)
    : stoppedMetrics(spec, noise);
  const drift = (spec.sensorDriftCPerDay * (t - s.calibratedAtMs)) / DAY_MS;
  const temperature = s.temperatureC + drift + noise.gaussian(0, TEMPERATURE_NOISE_SD_C);
  const glitches = fx?.glitches ?? null;
  if (glitches !== null && s.fx !== undefined && inGlitch(s.fx, t))
    measured = withGlitch(measured, glitches, noise);
  s.noiseRng = noise.state;

  const reading = { ts: t, metrics: { [METRICS.temperature]: roundTo(temperature, 2), ...measured } };
  if (fx === undefined || s.fx === undefined) return { state: s, reading, events };
  const delivery = deliver(fx, s.fx, reading, t);
  return { state: s, reading: delivery.reading, late: delivery.late, events };
}

/** Operator `set-load`: caps the process load; wear slows with it. */
export function withLoadLimit(state: ModelState, limit: number): ModelState {
  return { ...state, loadLimit: Math.min(1, Math.max(0, limit)) };
}

/** Operator `calibrate`: the temperature sensor's drift starts again from zero. */
export function withCalibration(state: ModelState, atMs: number): ModelState {
  return { ...state, calibratedAtMs: Math.max(atMs, state.lastMs) };
}

export function isFailed(state: ModelState): boolean {
  return state.failedAtMs !== null;
}

function failureEvent(spec: DeviceSpec, atMs: number): EventPayload {
  return {
    ts: atMs,
    type: 'failure',
    severity: 'critical',
    data: { machineType: spec.machineType, mode: spec.fault?.mode ?? null },
  };
}
