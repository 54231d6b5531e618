import type { Config } from '../../../config/index.js';
import { METRICS } from '../../../contracts/metric-names.js';

export const MACHINE_TYPES = ['pump', 'motor'] as const;
export type MachineType = (typeof MACHINE_TYPES)[number];

export { METRICS };

/** Regressors of a metric's baseline: its operating point, lagged for heat, and the time of day. */
export type Feature = 'one' | 'load' | 'thermal' | 'thermal2' | 'dayCos' | 'daySin' | 'days';

/**
 * Prior variance of each regressor's coefficient. The daily swing of outdoor temperature is a
 * few degrees, so its coefficients start near 0 with a spread of about 5 °C: a baseline learnt
 * from the first hours cannot invent a swing that a day of data would refute. Sensor drift is
 * slow (well under 1 °C a day), so its coefficient cannot soak up a degradation of a few hours.
 */
export const FEATURE_PRIOR: Readonly<Record<Feature, number>> = {
  one: 1e4,
  load: 1e4,
  thermal: 1e4,
  thermal2: 1e4,
  dayCos: 25,
  daySin: 25,
  days: 0.25,
};

export interface MetricProfile {
  metric: string;
  /** `log` for quantities that wear multiplies (vibration, pressure), `linear` for added heat. */
  transform: 'log' | 'linear';
  /** +1 when wear raises the value, -1 when it lowers it. */
  direction: 1 | -1;
  /** Deviation from the device's own baseline (transformed units, towards wear) at which it fails. */
  failureDelta: number;
  /** Shape prior of the deviation over the degradation window, deviation ∝ progress^exponent. */
  exponent: number;
  features: readonly Feature[];
  /** Device time during which this metric's baseline is learnt and it does not count for health. */
  learningMs: number;
  /** Residual scale assumed before the device has taught its own. */
  initialScale: number;
  minScale: number;
}

export interface AlertPolicy {
  /** A warning opens at or below this health when a change is confirmed. */
  warningHealth: number;
  /** An open alert becomes critical at or below this health... */
  criticalHealth: number;
  /** ...or when the remaining useful life falls to this many hours. */
  criticalRulHours: number;
  /** An open alert clears only once health is back at or above this (hysteresis). */
  clearHealth: number;
}

export interface MachineProfile {
  machineType: MachineType;
  /** The metric that shows the operating point (load) and that wear does not move much. */
  loadMetric: string;
  /** +1 when the load metric rises with load (flow), -1 when it falls with it (induction motor speed). */
  loadSign: 1 | -1;
  /** Relative change of the load metric across the usual load range; scales the regressor. */
  loadSpan: number;
  /** How fast the machine's temperature follows its load. */
  thermalTauMs: number;
  /** Device time during which the baseline is learnt and no alert is raised. */
  baselineMs: number;
  /** Device time over which the trend of the health index is fitted. */
  trendWindowMs: number;
  metrics: readonly MetricProfile[];
  alerts: AlertPolicy;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const LOAD: readonly Feature[] = ['one', 'load'];
const HEAT: readonly Feature[] = ['one', 'thermal', 'dayCos', 'daySin', 'days'];
const HEAT_I2R: readonly Feature[] = ['one', 'thermal', 'thermal2', 'dayCos', 'daySin', 'days'];

/** One machine type's settings, in the units of the configuration. */
export interface ProfileSettings {
  baselineHours: number;
  /** Temperature follows the time of day, which takes most of a day of data to learn. */
  temperatureBaselineHours: number;
  trendWindowHours: number;
  warningHealthPct: number;
  criticalHealthPct: number;
  clearHealthPct: number;
  criticalRulHours: number;
  /** Vibration at failure, % of the device's load-corrected baseline. */
  vibrationFailurePct: number;
  /** Temperature rise over the baseline at failure, °C. */
  temperatureFailureRiseC: number;
  /** Current at failure, % of the baseline; unset where current is too noisy to judge by. */
  currentFailurePct?: number;
  /** Pressure at failure, % of the baseline (pumps only). */
  pressureFailurePct?: number;
}

export function buildProfile(machineType: MachineType, s: ProfileSettings): MachineProfile {
  const metrics: MetricProfile[] = [
    {
      metric: METRICS.vibration,
      transform: 'log',
      direction: 1,
      failureDelta: Math.log(s.vibrationFailurePct / 100),
      exponent: 2,
      features: LOAD,
      learningMs: s.baselineHours * HOUR,
      initialScale: 0.1,
      minScale: 0.01,
    },
    {
      metric: METRICS.temperature,
      transform: 'linear',
      direction: 1,
      failureDelta: s.temperatureFailureRiseC,
      exponent: machineType === 'motor' ? 2 : 1.5,
      features: machineType === 'motor' ? HEAT_I2R : HEAT,
      learningMs: Math.max(s.baselineHours, s.temperatureBaselineHours) * HOUR,
      initialScale: 2,
      minScale: 0.1,
    },
  ];
  if (s.currentFailurePct !== undefined) {
    metrics.push({
      metric: METRICS.current,
      transform: 'log',
      direction: 1,
      failureDelta: Math.log(s.currentFailurePct / 100),
      exponent: 1.2,
      features: LOAD,
      learningMs: s.baselineHours * HOUR,
      initialScale: 0.05,
      minScale: 0.005,
    });
  }
  if (s.pressureFailurePct !== undefined) {
    metrics.push({
      metric: METRICS.pressure,
      transform: 'log',
      direction: -1,
      failureDelta: -Math.log(s.pressureFailurePct / 100),
      exponent: 1.3,
      features: LOAD,
      learningMs: s.baselineHours * HOUR,
      initialScale: 0.05,
      minScale: 0.003,
    });
  }
  const pump = machineType === 'pump';
  return {
    machineType,
    loadMetric: pump ? METRICS.flow : METRICS.speed,
    loadSign: pump ? 1 : -1,
    loadSpan: pump ? 0.5 : 0.03,
    thermalTauMs: (pump ? 20 : 30) * MINUTE,
    baselineMs: s.baselineHours * HOUR,
    trendWindowMs: s.trendWindowHours * HOUR,
    metrics,
    alerts: {
      warningHealth: s.warningHealthPct / 100,
      criticalHealth: s.criticalHealthPct / 100,
      criticalRulHours: s.criticalRulHours,
      clearHealth: s.clearHealthPct / 100,
    },
  };
}

export type MachineProfiles = Readonly<Record<MachineType, MachineProfile>>;

/** The profiles the configuration describes (MAINTENANCE_PUMP_*, MAINTENANCE_MOTOR_*). */
export function profilesFromConfig(m: Config['maintenance']): MachineProfiles {
  const common = (type: MachineType): ProfileSettings => ({
    baselineHours: m[`${type}BaselineHours`],
    temperatureBaselineHours: m[`${type}TemperatureBaselineHours`],
    trendWindowHours: m[`${type}TrendWindowHours`],
    warningHealthPct: m[`${type}WarningHealthPct`],
    criticalHealthPct: m[`${type}CriticalHealthPct`],
    clearHealthPct: m[`${type}ClearHealthPct`],
    criticalRulHours: m[`${type}CriticalRulHours`],
    vibrationFailurePct: m[`${type}VibrationFailurePct`],
    temperatureFailureRiseC: m[`${type}TemperatureFailureRiseC`],
  });
  return {
    pump: buildProfile('pump', {
      ...common('pump'),
      currentFailurePct: m.pumpCurrentFailurePct,
      pressureFailurePct: m.pumpPressureFailurePct,
    }),
    motor: buildProfile('motor', common('motor')),
  };
}
