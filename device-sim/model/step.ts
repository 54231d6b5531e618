import type { EventPayload, Metrics } from '../../contracts/index.js';
import { Rng, deriveSeed } from '../prng.js';
import { NO_SYMPTOMS, advanceWear, progress, symptoms, windowMs, type Symptoms } from './degradation.js';
import { ambientC, lagFraction } from './environment.js';
import { METRIC, roundTo } from './metrics.js';
import { MOTOR_TEMPERATURE_TAU_MS, motorRunning, motorStopped, motorTemperatureTarget } from './motor.js';
import { advanceLoad, advanceSpikes, firstLoad, firstSpike, spikeFactorAt } from './operating.js';
import { PUMP_TEMPERATURE_TAU_MS, pumpRunning, pumpStopped, pumpTemperatureTarget } from './pump.js';
import type { DeviceSpec, ModelState, StepResult } from './types.js';

const DAY_MS = 86_400_000;
const TEMPERATURE_NOISE_SD_C = 0.15;

/** The state of a device at `startMs`, already degraded if its onset lies before that. */
export function initialState(spec: DeviceSpec, startMs: number): ModelState {
  const events = new Rng(deriveSeed(spec.seed, 'events'));
  const load = firstLoad(events, startMs);
  const spike = firstSpike(events, startMs);
  const fault = spec.fault;
  const wearMs = fault === null ? 0 : Math.min(windowMs(fault), Math.max(0, startMs - fault.onsetMs));
  const failedAtMs = fault !== null && startMs >= fault.failureMs ? fault.failureMs : null;
  const sym = fault === null ? NO_SYMPTOMS : symptoms(fault.mode, progress(fault, wearMs));
  return {
    lastMs: startMs,
    eventRng: events.state,
    noiseRng: deriveSeed(spec.seed, 'noise'),
    ...load,
    ...spike,
    loadLimit: 1,
    wearMs,
    temperatureC: temperatureTarget(spec, load.load, ambientC(spec.site, startMs), sym),
    calibratedAtMs: startMs,
    failedAtMs,
  };
}

/**
 * Advances one device to simulated time `atMs` and measures it. Pure: the same spec, state and
 * time give the same result, with no I/O, so evaluations can drive it without MQTT.
 */
export function stepDevice(spec: DeviceSpec, state: ModelState, atMs: number): StepResult {
  const t = Math.max(atMs, state.lastMs);
  const s: ModelState = { ...state };
  const events: EventPayload[] = [];

  const scheduled = new Rng(s.eventRng);
  advanceLoad(s, scheduled, t);
  advanceSpikes(s, scheduled, t);
  s.eventRng = scheduled.state;

  const fault = spec.fault;
  let sym = NO_SYMPTOMS;
  if (fault !== null) {
    if (s.failedAtMs === null) {
      const wear = advanceWear(fault, s.wearMs, s.loadLimit, state.lastMs, t);
      s.wearMs = wear.wearMs;
      if (wear.failedAtMs !== null) {
        s.failedAtMs = wear.failedAtMs;
        events.push(failureEvent(spec, wear.failedAtMs));
      }
    }
    sym = symptoms(fault.mode, progress(fault, s.wearMs));
  }

  const failed = s.failedAtMs !== null;
  const ambient = ambientC(spec.site, t);
  const load = s.load * s.loadLimit;
  const target = failed ? ambient : temperatureTarget(spec, load, ambient, sym);
  s.temperatureC += (target - s.temperatureC) * lagFraction(t - state.lastMs, temperatureTauMs(spec));
  s.lastMs = t;

  if (failed && fault?.afterFailure === 'silent') return { state: s, reading: null, events };

  const noise = new Rng(s.noiseRng);
  const measured = failed
    ? stoppedMetrics(spec, noise)
    : runningMetrics(spec, load, sym, spikeFactorAt(s, t), noise);
  const drift = (spec.sensorDriftCPerDay * (t - s.calibratedAtMs)) / DAY_MS;
  const temperature = s.temperatureC + drift + noise.gaussian(0, TEMPERATURE_NOISE_SD_C);
  s.noiseRng = noise.state;

  return {
    state: s,
    reading: { ts: t, metrics: { [METRIC.temperature]: roundTo(temperature, 2), ...measured } },
    events,
  };
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

function temperatureTarget(spec: DeviceSpec, load: number, ambient: number, sym: Symptoms): number {
  switch (spec.machineType) {
    case 'pump':
      return pumpTemperatureTarget(spec.ratings, load, ambient, sym);
    case 'motor':
      return motorTemperatureTarget(spec.ratings, load, ambient, sym);
  }
}

function temperatureTauMs(spec: DeviceSpec): number {
  return spec.machineType === 'pump' ? PUMP_TEMPERATURE_TAU_MS : MOTOR_TEMPERATURE_TAU_MS;
}

function runningMetrics(spec: DeviceSpec, load: number, sym: Symptoms, spike: number, noise: Rng): Metrics {
  switch (spec.machineType) {
    case 'pump':
      return pumpRunning(spec.ratings, load, sym, spike, noise);
    case 'motor':
      return motorRunning(spec.ratings, load, sym, spike, noise);
  }
}

function stoppedMetrics(spec: DeviceSpec, noise: Rng): Metrics {
  return spec.machineType === 'pump' ? pumpStopped(spec.ratings, noise) : motorStopped(noise);
}
