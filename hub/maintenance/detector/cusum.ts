/**
 * One-sided CUSUM in device time: accumulates (z - k) per hour, so a sustained shift of z
 * raises an alarm after h / (z - k) hours whatever the sampling rate. The time the sum last
 * left zero estimates when the change began.
 */
export interface Cusum {
  sum: number;
  /** Device time at which the current excursion began; null while the sum is zero. */
  startMs: number | null;
  alarm: boolean;
}

export interface CusumParams {
  /** Allowance: shifts smaller than k (in scale units) are ignored. */
  k: number;
  /** Alarm threshold, in scale units × hours. */
  h: number;
  /** Ceiling of the sum, so the detector recovers in bounded time after a long excursion. */
  cap: number;
}

export function cusumCreate(): Cusum {
  return { sum: 0, startMs: null, alarm: false };
}

export function cusumUpdate(c: Cusum, z: number, dtHours: number, atMs: number, p: CusumParams): void {
  const next = Math.min(p.cap, Math.max(0, c.sum + (z - p.k) * dtHours));
  if (next === 0) {
    c.startMs = null;
    c.alarm = false;
  } else if (c.sum === 0) {
    c.startMs = atMs - dtHours * 3_600_000;
  }
  c.sum = next;
  if (next >= p.h) c.alarm = true;
}
