import { describe, expect, it } from 'vitest';
import { METRICS } from '../../../../contracts/index.js';
import { initialState, stepDevice, withLoadLimit } from '../../../../device-sim/model/step.js';
import type { DeviceSpec, SiteClimate } from '../../../../device-sim/model/types.js';
import {
  WEATHER,
  ambientAt,
  cloudCover,
  frontOffsetC,
  outdoorC,
  swingScale,
} from '../../../../device-sim/model/weather.js';
import { DAY, HOUR, START_MS, effectsFleet, metric } from '../helpers.js';

const MINUTE = 60_000;
const specs = effectsFleet(['weather'], { devices: 80, faults: 0 });

function siteOf(spec: DeviceSpec): SiteClimate {
  if (spec.effects === undefined) throw new Error('no effects');
  return spec.effects.site;
}

/** The strongest front of a site in the first week, and an instant with none, a day or so away. */
function frontAndCalm(site: SiteClimate): { frontMs: number; calmMs: number; sizeC: number } {
  // At six hours after the warmest hour the daily term is zero on any day, cloudy or clear.
  const phase = Math.round((site.peakHourLocal + 6 - site.utcOffsetHours) * HOUR);
  const days = Array.from({ length: 14 }, (_, d) => START_MS + d * DAY + phase);
  const front = days.reduce((a, b) =>
    Math.abs(frontOffsetC(site, b)) > Math.abs(frontOffsetC(site, a)) ? b : a,
  );
  const calm = days.find((t) => frontOffsetC(site, t) === 0 && Math.abs(t - front) <= 4 * DAY);
  if (calm === undefined) throw new Error('no calm day near the front');
  return { frontMs: front, calmMs: calm, sizeC: frontOffsetC(site, front) };
}

describe('site weather', () => {
  it('spreads devices over a few sites, indoors and outdoors', () => {
    const sites = new Set(specs.map((s) => siteOf(s).siteId));
    expect(sites.size).toBe(4);
    const outdoor = specs.filter((s) => s.effects?.outdoor).length;
    expect(outdoor).toBeGreaterThan(specs.length * 0.4);
    expect(outdoor).toBeLessThan(specs.length * 0.8);
  });

  it('has fronts of 3-5 °C lasting one to two days', () => {
    const site = siteOf(specs[0] as DeviceSpec);
    const spans: { startMs: number; endMs: number; peak: number }[] = [];
    let open: { startMs: number; peak: number } | null = null;
    for (let t = START_MS; t < START_MS + 60 * DAY; t += 10 * MINUTE) {
      const f = frontOffsetC(site, t);
      if (f !== 0 && open === null) open = { startMs: t, peak: 0 };
      if (open !== null) open.peak = Math.max(open.peak, Math.abs(f));
      if (f === 0 && open !== null) {
        // A front already under way when the scan starts is only partly seen.
        if (open.startMs > START_MS) spans.push({ ...open, endMs: t });
        open = null;
      }
    }
    expect(spans.length).toBeGreaterThan(10);
    for (const s of spans) {
      // Fronts in neighbouring slots may touch, so a span may hold two of them.
      expect(s.endMs - s.startMs).toBeGreaterThanOrEqual(WEATHER.frontMinMs - 10 * MINUTE);
      expect(s.endMs - s.startMs).toBeLessThanOrEqual(2 * WEATHER.frontMaxMs + 10 * MINUTE);
      expect(s.peak).toBeGreaterThanOrEqual(WEATHER.frontMinC - 0.01);
      expect(s.peak).toBeLessThanOrEqual(WEATHER.frontMaxC + 0.01);
    }
  });

  it('moves the ambient of every outdoor device of a site together, and indoor ones a little', () => {
    const site = siteOf(specs[0] as DeviceSpec);
    const { frontMs, calmMs, sizeC } = frontAndCalm(site);
    expect(Math.abs(sizeC)).toBeGreaterThanOrEqual(3);
    const here = specs.filter((s) => siteOf(s).siteId === site.siteId);
    for (const spec of here) {
      const moved = ambientAt(spec, frontMs) - ambientAt(spec, calmMs);
      expect(moved).toBeCloseTo(spec.effects?.outdoor ? sizeC : WEATHER.indoorCoupling * sizeC, 6);
    }
    const elsewhere = specs.find((s) => siteOf(s).siteId !== site.siteId && s.effects?.outdoor) as DeviceSpec;
    expect(frontOffsetC(siteOf(elsewhere), frontMs)).not.toBeCloseTo(sizeC, 1);
  });

  it('shows a front in the temperature readings of every outdoor device of the site', () => {
    const site = siteOf(specs[0] as DeviceSpec);
    const { frontMs, calmMs, sizeC } = frontAndCalm(site);
    const outdoor = specs.filter((s) => siteOf(s).siteId === site.siteId && s.effects?.outdoor);
    expect(outdoor.length).toBeGreaterThanOrEqual(3);
    // Load held at zero and no sensor drift, so only the air changes the casing temperature.
    const temperatureAt = (spec: DeviceSpec, atMs: number): number => {
      const quiet = { ...spec, sensorDriftCPerDay: 0 };
      let state = withLoadLimit(initialState(quiet, atMs - 6 * HOUR), 0);
      for (let t = atMs - 6 * HOUR; t <= atMs; t += 10 * MINUTE) state = stepDevice(quiet, state, t).state;
      const reading = stepDevice(quiet, state, atMs).reading;
      if (reading === null) throw new Error('no reading');
      return metric(reading, METRICS.temperature);
    };
    for (const spec of outdoor) {
      expect(temperatureAt(spec, frontMs) - temperatureAt(spec, calmMs)).toBeCloseTo(sizeC, 0);
    }
  });

  it('swings more on clear days than on overcast ones, with no jump at midnight', () => {
    const site = siteOf(specs[0] as DeviceSpec);
    const noonOf = (day: number): number => day * DAY + DAY / 2 - site.utcOffsetHours * HOUR;
    const days = Array.from({ length: 60 }, (_, i) => Math.floor(START_MS / DAY) + i);
    const clear = days.reduce((a, b) => (cloudCover(site, b) < cloudCover(site, a) ? b : a));
    const overcast = days.reduce((a, b) => (cloudCover(site, b) > cloudCover(site, a) ? b : a));
    expect(swingScale(site, noonOf(clear))).toBeGreaterThan(2 * swingScale(site, noonOf(overcast)));
    for (let t = START_MS; t < START_MS + 7 * DAY; t += MINUTE) {
      expect(Math.abs(outdoorC(site, t + MINUTE) - outdoorC(site, t))).toBeLessThan(0.1);
    }
  });

  it('leaves devices without the effect on the fixed daily cycle', () => {
    const plain = effectsFleet(['duty'], { devices: 5, faults: 0 })[0] as DeviceSpec;
    const warmest = START_MS + Math.round(plain.site.peakHourUtc * HOUR);
    expect(ambientAt(plain, warmest)).toBeCloseTo(plain.site.ambientMeanC + plain.site.ambientAmplitudeC, 6);
  });
});
