/** Simulated time runs `speed` times faster than wall time, starting at `startSimMs`. */
export interface SimClock {
  readonly startSimMs: number;
  readonly startWallMs: number;
  readonly speed: number;
  /** Simulated epoch ms at a wall-clock instant, rounded to whole ms as on the wire. */
  simAt(wallMs: number): number;
  /** How long in wall ms a simulated span takes. */
  wallSpan(simSpanMs: number): number;
}

export function createSimClock(startSimMs: number, startWallMs: number, speed: number): SimClock {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be > 0, got ${speed}`);
  return {
    startSimMs,
    startWallMs,
    speed,
    simAt: (wallMs) => Math.round(startSimMs + (wallMs - startWallMs) * speed),
    wallSpan: (simSpanMs) => simSpanMs / speed,
  };
}
