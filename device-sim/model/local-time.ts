import { deriveSeed } from '../prng.js';
import type { SiteClimate } from './types.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
// 1970-01-01 was a Thursday.
const EPOCH_WEEKDAY = 4;

/** Local wall-clock time of a site, as epoch-like ms (UTC plus the site's offset). */
export function localMs(site: SiteClimate, atMs: number): number {
  return atMs + site.utcOffsetHours * HOUR_MS;
}

export function localDay(local: number): number {
  return Math.floor(local / DAY_MS);
}

export function localHour(local: number): number {
  return (local - localDay(local) * DAY_MS) / HOUR_MS;
}

/** 0 = Sunday .. 6 = Saturday. */
export function weekday(local: number): number {
  return (((localDay(local) + EPOCH_WEEKDAY) % 7) + 7) % 7;
}

/**
 * A uniform number in [0, 1) fixed by its labels: schedules built from it (fronts, batches,
 * planned stops) are functions of time, so they do not depend on how often a device is sampled,
 * and devices that share the labels (a site's seed) see the same thing.
 */
export function unitHash(...parts: readonly (number | string)[]): number {
  return deriveSeed(...parts) / 4_294_967_296;
}

export function lerp(min: number, max: number, u: number): number {
  return min + (max - min) * u;
}
