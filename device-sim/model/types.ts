import type { EventPayload, Reading } from '../../contracts/index.js';

export const MACHINE_TYPES = ['pump', 'motor'] as const;
export type MachineType = (typeof MACHINE_TYPES)[number];

export const FAILURE_MODES = [
  'bearing_wear',
  'seal_leak',
  'winding_insulation',
  // The extended shapes (effect `faults-extended`).
  'bearing_spall',
  'lubrication_loss',
  'loose_mount',
  'leak',
  'winding_short',
  'cooling_fouling',
] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

export const FAILURE_MODES_BY_MACHINE: Readonly<Record<MachineType, readonly FailureMode[]>> = {
  pump: ['bearing_wear', 'seal_leak'],
  motor: ['bearing_wear', 'winding_insulation'],
};

export const EXTENDED_FAILURE_MODES_BY_MACHINE: Readonly<Record<MachineType, readonly FailureMode[]>> = {
  pump: [
    'bearing_wear',
    'seal_leak',
    'bearing_spall',
    'lubrication_loss',
    'loose_mount',
    'leak',
    'cooling_fouling',
  ],
  motor: [
    'bearing_wear',
    'winding_insulation',
    'bearing_spall',
    'lubrication_loss',
    'loose_mount',
    'winding_short',
    'cooling_fouling',
  ],
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
  /** Running time from onset to failure, when a duty cycle stops the machine in between. */
  runMs?: number;
  /** Per-device shape of an extended failure mode; absent for the original three. */
  shape?: FaultShape;
}

/** How one extended fault develops; each mode reads the parameters it needs. */
export interface FaultShape {
  /** Scales the symptoms at failure (0.75..1.25): machines do not all fail at the same reading. */
  severity: number;
  /** Growth constant of exponential wear: 0 is a pure exponential, higher is later and steeper. */
  rate: number;
  /** Progress at which a slow rise turns steep. */
  knee: number;
  /** Share of the failure level reached at once by a step-then-drift fault. */
  step: number;
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
  /** The switchable effects of `effects.ts`; absent, the device behaves as it always did. */
  effects?: DeviceEffects;
}

/** A plant: every device placed there shares its climate, weather and clock. */
export interface SiteClimate {
  siteId: string;
  /** Seeds the site's weather, so every outdoor device of the site feels the same front. */
  seed: number;
  meanC: number;
  /** Half the day-to-night difference on an average day. */
  dailySwingC: number;
  /** Local hour (fractional) of the warmest moment of the day. */
  peakHourLocal: number;
  /** Local time minus UTC, in hours; no daylight saving. */
  utcOffsetHours: number;
  /** Hall temperature of the site's buildings. */
  indoorMeanC: number;
}

export const DUTY_KINDS = ['continuous', 'shift', 'batch', 'weekend-off'] as const;
export type DutyKind = (typeof DUTY_KINDS)[number];

export interface DutySpec {
  kind: DutyKind;
  /** Shift: local start hour and length, weekdays only. */
  shiftStartHour: number;
  shiftHours: number;
  /** Batch: one run and pause per cycle, with the phase of the first cycle. */
  batchPeriodMs: number;
  batchRunShare: number;
  batchPhaseMs: number;
  /** Chance per local day of a planned stop, and how long one lasts. */
  plannedStopChance: number;
  plannedStopMinMs: number;
  plannedStopMaxMs: number;
  /** What a stopped pump's flow meter shows (0.1..0.4 m³/h): its zero is never quite zero. */
  flowMeterZeroM3h: number;
  /** Static head a stopped pump still reads, as a share of rated pressure. */
  staticHeadShare: number;
}

/** A loose connector: now and then a short burst of wild vibration and current readings. */
export interface GlitchSpec {
  meanIntervalMs: number;
  minBurstMs: number;
  maxBurstMs: number;
  /** Chance that a reading inside a burst is wild. */
  wildShare: number;
}

/** Lost readings for minutes to hours; some outages are buffered and delivered late, in a burst. */
export interface DropoutSpec {
  meanIntervalMs: number;
  minMs: number;
  maxMs: number;
  bufferedShare: number;
}

/** Single readings held back and delivered after newer ones. */
export interface LateSpec {
  chance: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export interface DeviceEffects {
  site: SiteClimate;
  outdoor: boolean;
  /** Weather on: ambient comes from the site's climate, fronts and clouds. */
  weather: boolean;
  duty: DutySpec | null;
  /** Pump on its head curve (pressure = shut-off head − k·flow²). */
  pumpCurve: PumpCurve | null;
  /** Motor with magnetising current, I²R heating and temperature-dependent slip. */
  motorPhysics: MotorPhysics | null;
  /** The machine's own thermal time constant, replacing the model's fixed one. */
  thermalTauMs: number | null;
  glitches: GlitchSpec | null;
  dropouts: DropoutSpec | null;
  late: LateSpec | null;
}

export interface PumpCurve {
  /** Share of shut-off head lost at rated flow: head = H0·(1 − a·q²). */
  headDrop: number;
}

export interface MotorPhysics {
  /** No-load (magnetising) current as a share of rated current. */
  magnetisingShare: number;
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
  /** State of the sensor and transport effects; absent without them. */
  fx?: EffectState;
}

export interface EffectState {
  glitchRng: number;
  glitchStartMs: number;
  glitchEndMs: number;
  nextGlitchMs: number;
  dropRng: number;
  dropStartMs: number;
  dropEndMs: number;
  dropBuffered: boolean;
  nextDropMs: number;
  /** Per-reading draws: whether this one is held back, and for how long. */
  lateRng: number;
  /** Readings measured but not yet delivered (a buffered outage, a delayed reading). */
  held: HeldReading[];
}

export interface HeldReading {
  releaseMs: number;
  reading: Reading;
}

export interface StepResult {
  state: ModelState;
  /**
   * The reading measured now, or null: once a silent machine has failed, during a dropout, or
   * while this reading is held back to be delivered late. `seq` is the transport's business.
   */
  reading: Reading | null;
  /** Readings measured earlier and delivered now, before `reading` (out of order or after an outage). */
  late?: Reading[];
  events: EventPayload[];
}
