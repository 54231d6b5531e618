/**
 * Recursive least squares with exponential forgetting: the per-device baseline of one metric
 * as a linear function of its operating point. Plain arrays so the state serialises as JSON.
 */
export interface Rls {
  theta: number[];
  /** Inverse information matrix, row-major n×n. */
  p: number[];
}

/** `priorVariance[i]` is how far coefficient i may plausibly be from 0 before any data. */
export function rlsCreate(priorVariance: readonly number[]): Rls {
  const n = priorVariance.length;
  const p = new Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++) p[i * n + i] = priorVariance[i] ?? 0;
  return { theta: new Array<number>(n).fill(0), p };
}

export function rlsPredict(r: Rls, x: readonly number[]): number {
  let y = 0;
  for (let i = 0; i < x.length; i++) y += (r.theta[i] ?? 0) * (x[i] ?? 0);
  return y;
}

/**
 * xᵀPx: how far x lies from the data seen so far. The error of a prediction there has
 * variance σ²(1 + xᵀPx), so readings at unfamiliar operating points are judged less harshly.
 */
export function rlsLeverage(r: Rls, x: readonly number[]): number {
  const n = x.length;
  let q = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += (r.p[i * n + j] ?? 0) * (x[j] ?? 0);
    q += (x[i] ?? 0) * s;
  }
  return Math.max(0, q);
}

/**
 * Moves the fit towards (x, y). `lambda` in (0, 1] is the forgetting factor for this step;
 * 1 forgets nothing. The covariance is kept symmetric and bounded so a long run without
 * excitation (constant load) cannot blow it up.
 */
export function rlsUpdate(
  r: Rls,
  x: readonly number[],
  y: number,
  lambda: number,
  maxVariance: number,
): void {
  const n = x.length;
  const px = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += (r.p[i * n + j] ?? 0) * (x[j] ?? 0);
    px[i] = s;
  }
  let denom = lambda;
  for (let i = 0; i < n; i++) denom += (x[i] ?? 0) * (px[i] ?? 0);
  if (!(denom > 1e-12)) return;
  const error = y - rlsPredict(r, x);
  for (let i = 0; i < n; i++) r.theta[i] = (r.theta[i] ?? 0) + ((px[i] ?? 0) / denom) * error;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = ((r.p[i * n + j] ?? 0) - ((px[i] ?? 0) * (px[j] ?? 0)) / denom) / lambda;
      r.p[i * n + j] = v;
      r.p[j * n + i] = v;
    }
  }
  let trace = 0;
  for (let i = 0; i < n; i++) trace += r.p[i * n + i] ?? 0;
  // Scaling the whole matrix keeps it positive definite, which clipping single entries would not.
  if (trace > n * maxVariance) {
    const shrink = (n * maxVariance) / trace;
    for (let i = 0; i < n * n; i++) r.p[i] = (r.p[i] ?? 0) * shrink;
  }
}
