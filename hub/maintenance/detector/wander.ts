/**
 * How far a machine's temperature has wandered from its baseline on the days it was healthy:
 * the weather's reach into this machine. An outdoor pump under passing fronts wanders by several
 * degrees, an indoor motor by a fraction of one. A temperature change that no other metric
 * corroborates is evidence of wear only once it is well beyond that reach.
 */
export interface TemperatureWander {
  /** Device day (since the device was first seen) the open peak belongs to. */
  day: number;
  /** Largest |smoothed deviation| of the open day, °C. */
  openPeakC: number;
  /** Peaks of the last completed days that had readings, oldest first. */
  peaksC: number[];
}

export interface WanderParams {
  /** Completed days of readings before the machine's own wander is trusted over the default. */
  minDays: number;
  /** Completed days remembered: a week holds several fronts. */
  keepDays: number;
  /** Temperature alone counts from this multiple of the largest remembered peak... */
  factor: number;
  /** ...but never below this (°C), nor above the default uncorroborated threshold. */
  floorC: number;
}

const DAY_MS = 86_400_000;

export function wanderCreate(): TemperatureWander {
  return { day: 0, openPeakC: 0, peaksC: [] };
}

/** Records the smoothed temperature deviation of a judged reading. Mutates `w`. */
export function wanderStep(
  w: TemperatureWander,
  deviationC: number,
  atMs: number,
  firstMs: number,
  keepDays: number,
): void {
  const day = Math.floor((atMs - firstMs) / DAY_MS);
  if (day > w.day) {
    if (w.openPeakC > 0) w.peaksC.push(w.openPeakC);
    if (w.peaksC.length > keepDays) w.peaksC.splice(0, w.peaksC.length - keepDays);
    w.day = day;
    w.openPeakC = 0;
  }
  w.openPeakC = Math.max(w.openPeakC, Math.abs(deviationC));
}

/**
 * The rise (°C) from which temperature alone counts as wear. The open day is left out, so a
 * fault growing today does not raise the bar it has to clear.
 */
export function temperatureAloneC(
  w: TemperatureWander | undefined,
  defaultC: number,
  p: WanderParams,
): number {
  if (w === undefined || w.peaksC.length < p.minDays) return defaultC;
  const reach = Math.max(...w.peaksC);
  return Math.min(defaultC, Math.max(p.floorC, p.factor * reach));
}
