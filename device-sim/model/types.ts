import type { EventPayload, Reading } from '../../contracts/index.js';

export const MACHINE_TYPES = ['pump', 'motor'] as const;
export type MachineType = (typeof MACHINE_TYPES)[number];

export const FAILURE_MODES = ['bearing_wear', 'seal_leak', 'winding_insulation'] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

export const FAILURE_MODES_BY_MACHINE: Readonly<Record<MachineType, readonly FailureMode[]>> = {
  pump: ['bearing_wear', 'seal_leak'],
  motor: ['bearing_wear', 'winding_insulation'],
};

/** What a failed machine reports: nothing at all, or flat readings of a stopped machine. */
export type AfterFailure = 'silent' | 'stopped';

export interface FaultSpec {
  mode: FailureMode;
  /** Simulated epoch ms when degradation starts. */
  onsetMs: number;
  /** Simulated epoch ms when the machine fails, if its load limit is never lowered. */
  failureMs: number;
  afterFailure: AfterFailure;
}

/** Where the machine stands: ambient temperature follows a daily cosine around `meanC`. */
export interface SiteSpec {
  ambientMeanC: number;
  ambientAmplitudeC: number;
  /** UTC hour (fractional) of the warmest moment of the day. */
  peakHourUtc: number;
}

export interface PumpRatings {
  flowM3h: number;
  pressureBar: number;
  currentA: number;
  vibrationMmS: number;
  /** Casing temperature above ambient at full load. */
  temperatureRiseC: number;
}

export interface MotorRatings {
  syncRpm: number;
  /** Slip at full load, as a fraction of synchronous speed. */
  slip: number;
  currentA: number;
  vibrationMmS: number;
  temperatureRiseC: number;
}

interface DeviceSpecBase {
  deviceId: string;
  index: number;
  /** Seeds this device's own random streams. */
  seed: number;
  site: SiteSpec;
  /** How fast the temperature sensor drifts away from truth until calibrated. */
  sensorDriftCPerDay: number;
  fault: FaultSpec | null;
}

export interface PumpSpec extends DeviceSpecBase {
  machineType: 'pump';
  ratings: PumpRatings;
}

export interface MotorSpec extends DeviceSpecBase {
  machineType: 'motor';
  ratings: MotorRatings;
}

export type DeviceSpec = PumpSpec | MotorSpec;

/** Everything a device model remembers between steps; plain data so it can be copied or stored. */
export interface ModelState {
  lastMs: number;
  /** PRNG state for scheduled happenings (load changes, decoy spikes), independent of sampling. */
  eventRng: number;
  /** PRNG state for measurement noise, drawn once per reading. */
  noiseRng: number;
  /** Process load 0..1 before the operator's limit, following `loadTarget` with a lag. */
  load: number;
  loadTarget: number;
  nextLoadChangeMs: number;
  spikeStartMs: number;
  spikeEndMs: number;
  spikeFactor: number;
  nextSpikeMs: number;
  /** Operator limit from `set-load`, 0..1; 1 means unrestricted. */
  loadLimit: number;
  /** Degradation elapsed since onset, in simulated ms at nominal wear rate. */
  wearMs: number;
  /** Lagged machine temperature (true value, before sensor drift). */
  temperatureC: number;
  calibratedAtMs: number;
  failedAtMs: number | null;
}

export interface StepResult {
  state: ModelState;
  /** Null once a silent machine has failed. `seq` is the transport's business. */
  reading: Reading | null;
  events: EventPayload[];
}
