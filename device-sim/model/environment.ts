import type { SiteSpec } from './types.js';

const DAY_MS = 86_400_000;

/** Outdoor temperature at a simulated instant: a daily cosine peaking at the site's warmest hour. */
export function ambientC(site: SiteSpec, atMs: number): number {
  const hourUtc = (((atMs % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000;
  return (
    site.ambientMeanC + site.ambientAmplitudeC * Math.cos((2 * Math.PI * (hourUtc - site.peakHourUtc)) / 24)
  );
}

/** First-order lag: how far a value moves towards its target over `dtMs` with time constant `tauMs`. */
export function lagFraction(dtMs: number, tauMs: number): number {
  return dtMs <= 0 ? 0 : 1 - Math.exp(-dtMs / tauMs);
}
