/** Weight of a new sample in an exponential average with time constant `tauMs`, for a gap of `dtMs`. */
export function alphaFor(dtMs: number, tauMs: number): number {
  return dtMs <= 0 ? 0 : 1 - Math.exp(-dtMs / tauMs);
}

/** Level and variance of a series, weighted by device time so irregular sampling does not bias it. */
export interface Ewm {
  level: number;
  variance: number;
}

export function ewmUpdate(s: Ewm, x: number, alpha: number): void {
  const diff = x - s.level;
  const increment = alpha * diff;
  s.level += increment;
  s.variance = (1 - alpha) * (s.variance + diff * increment);
}

/** Holt's linear smoothing: a level and its slope per hour, both in device time. */
export interface Holt {
  level: number;
  slopePerHour: number;
}

const HOUR_MS = 3_600_000;

export function holtUpdate(s: Holt, x: number, dtMs: number, levelTauMs: number, slopeTauMs: number): void {
  const a = alphaFor(dtMs, levelTauMs);
  const b = alphaFor(dtMs, slopeTauMs);
  const predicted = s.level + s.slopePerHour * (dtMs / HOUR_MS);
  const level = predicted + a * (x - predicted);
  if (dtMs > 0) {
    const observedSlope = ((level - s.level) / dtMs) * HOUR_MS;
    s.slopePerHour += b * (observedSlope - s.slopePerHour);
  }
  s.level = level;
}
