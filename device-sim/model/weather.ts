import { ambientC } from './environment.js';
import { DAY_MS, HOUR_MS, lerp, localDay, localHour, localMs, unitHash } from './local-time.js';
import type { DeviceSpec, SiteClimate } from './types.js';

export const WEATHER = {
  /** At most one front per slot, so fronts never pile up. */
  frontSlotMs: 2 * DAY_MS,
  frontChance: 0.7,
  frontMinMs: DAY_MS,
  frontMaxMs: 2 * DAY_MS,
  frontMinC: 3,
  frontMaxC: 5,
  /** A front arrives and leaves over a few hours, not at once. */
  frontRampMs: 6 * HOUR_MS,
  /** Daily swing multiplier on a clear and on an overcast day. */
  clearSwing: 1.35,
  overcastSwing: 0.35,
  /** How much of the outdoor anomaly reaches a hall. */
  indoorCoupling: 0.2,
} as const;

/** The front's contribution to outdoor air at a site (±3-5 °C for one or two days, or 0). */
export function frontOffsetC(site: SiteClimate, atMs: number): number {
  const slot = Math.floor(atMs / WEATHER.frontSlotMs);
  if (unitHash(site.seed, 'front', slot) >= WEATHER.frontChance) return 0;
  const durationMs = lerp(WEATHER.frontMinMs, WEATHER.frontMaxMs, unitHash(site.seed, 'front-length', slot));
  const startMs =
    slot * WEATHER.frontSlotMs + (WEATHER.frontSlotMs - durationMs) * unitHash(site.seed, 'front-at', slot);
  const into = atMs - startMs;
  if (into <= 0 || into >= durationMs) return 0;
  const sign = unitHash(site.seed, 'front-sign', slot) < 0.5 ? -1 : 1;
  const sizeC = lerp(WEATHER.frontMinC, WEATHER.frontMaxC, unitHash(site.seed, 'front-size', slot));
  const edge = Math.min(into, durationMs - into) / WEATHER.frontRampMs;
  const weight = edge >= 1 ? 1 : edge * edge * (3 - 2 * edge);
  return sign * sizeC * weight;
}

/** Cloud cover of a local day, 0 clear .. 1 overcast. */
export function cloudCover(site: SiteClimate, day: number): number {
  return unitHash(site.seed, 'cloud', day);
}

function swingMultiplier(site: SiteClimate, day: number): number {
  return lerp(WEATHER.clearSwing, WEATHER.overcastSwing, cloudCover(site, day));
}

/** Daily swing scale at an instant, blended from one local noon to the next so it has no jumps. */
export function swingScale(site: SiteClimate, atMs: number): number {
  const sinceNoon = localMs(site, atMs) - DAY_MS / 2;
  const day = localDay(sinceNoon);
  const w = (1 - Math.cos((Math.PI * (sinceNoon - day * DAY_MS)) / DAY_MS)) / 2;
  return swingMultiplier(site, day) * (1 - w) + swingMultiplier(site, day + 1) * w;
}

export function outdoorC(site: SiteClimate, atMs: number): number {
  const hour = localHour(localMs(site, atMs));
  const daily =
    site.dailySwingC * swingScale(site, atMs) * Math.cos((2 * Math.PI * (hour - site.peakHourLocal)) / 24);
  return site.meanC + frontOffsetC(site, atMs) + daily;
}

export function indoorC(site: SiteClimate, atMs: number): number {
  return site.indoorMeanC + WEATHER.indoorCoupling * (outdoorC(site, atMs) - site.meanC);
}

/** The air around a machine: the site's weather when that effect is on, else the fixed daily cycle. */
export function ambientAt(spec: DeviceSpec, atMs: number): number {
  const fx = spec.effects;
  if (fx === undefined || !fx.weather) return ambientC(spec.site, atMs);
  return fx.outdoor ? outdoorC(fx.site, atMs) : indoorC(fx.site, atMs);
}
