import { describe, expect, it } from 'vitest';
import { EFFECT_NAMES, parseEffectList } from '../../../device-sim/effects.js';
import { formatGroundTruth, groundTruthOf, parseGroundTruth } from '../../../device-sim/ground-truth.js';
import { simulateDevice } from '../../../device-sim/model/simulate.js';
import type { DeviceSpec } from '../../../device-sim/model/types.js';
import { DAY, START_MS, effectsFleet, fleet } from './helpers.js';

const MINUTE = 60_000;
const ALL = [...EFFECT_NAMES];

function samples(spec: DeviceSpec) {
  return [...simulateDevice(spec, { fromMs: START_MS, toMs: START_MS + 2 * DAY, intervalMs: 5 * MINUTE })];
}

describe('effects in the fleet', () => {
  it('are off by default: no effects, or an empty list, is the original fleet', () => {
    const plain = fleet();
    expect(plain.every((s) => s.effects === undefined)).toBe(true);
    expect(effectsFleet([])).toEqual(plain);
  });

  it('keep machine, ratings and fault times of a device whatever is switched on', () => {
    const plain = fleet({ devices: 30 });
    const all = effectsFleet(ALL, { devices: 30 });
    all.forEach((s, i) => {
      const p = plain[i] as DeviceSpec;
      expect([s.deviceId, s.machineType, s.ratings, s.site]).toEqual([
        p.deviceId,
        p.machineType,
        p.ratings,
        p.site,
      ]);
      expect(s.fault === null).toBe(p.fault === null);
    });
  });

  it('place a device at the same site, indoors or out, with the same duty, in every setting', () => {
    const weather = effectsFleet(['weather'], { devices: 30 });
    const all = effectsFleet(ALL, { devices: 30 });
    const duty = effectsFleet(['duty'], { devices: 30 });
    all.forEach((s, i) => {
      expect(s.effects?.site).toEqual(weather[i]?.effects?.site);
      expect(s.effects?.outdoor).toBe(weather[i]?.effects?.outdoor);
      expect(s.effects?.duty).toEqual(duty[i]?.effects?.duty);
    });
  });

  it('are deterministic per seed, late readings included', () => {
    const a = effectsFleet(ALL, { seed: 9, devices: 12 });
    const b = effectsFleet(ALL, { seed: 9, devices: 12 });
    expect(a).toEqual(b);
    for (let i = 0; i < 12; i++) expect(samples(a[i] as DeviceSpec)).toEqual(samples(b[i] as DeviceSpec));
    const c = effectsFleet(ALL, { seed: 10, devices: 12 });
    expect(samples(c[3] as DeviceSpec)).not.toEqual(samples(a[3] as DeviceSpec));
  });

  it('honour the number of sites', () => {
    const specs = effectsFleet(['weather'], { devices: 60, effects: { enabled: ['weather'], sites: 7 } });
    expect(new Set(specs.map((s) => s.effects?.site.siteId)).size).toBe(7);
  });

  it('parse from a list, all or none', () => {
    expect(parseEffectList('all')).toEqual({ ok: true, effects: ALL });
    expect(parseEffectList('none')).toEqual({ ok: true, effects: [] });
    expect(parseEffectList('duty, weather,duty')).toEqual({ ok: true, effects: ['weather', 'duty'] });
    const bad = parseEffectList('weather,rain');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/unknown effect rain/);
  });
});

describe('ground truth with effects', () => {
  it('names site, time zone, placement, duty and loose connectors, and reads back', () => {
    const specs = effectsFleet(ALL, { devices: 40 });
    const truth = parseGroundTruth(formatGroundTruth(specs));
    expect(truth).toEqual(specs.map(groundTruthOf));
    for (const [i, t] of truth.entries()) {
      const fx = specs[i]?.effects;
      expect(t.site).toBe(fx?.site.siteId);
      expect(t.utcOffsetHours).toBe(fx?.site.utcOffsetHours);
      expect(t.placement).toBe(fx?.outdoor ? 'outdoor' : 'indoor');
      expect(t.duty).toBe(fx?.duty?.kind);
      expect(t.looseConnector).toBe(fx?.glitches != null);
    }
  });

  it('leaves out what is not switched on, and keeps the original lines without effects', () => {
    const [t] = effectsFleet(['pump-curves'], { devices: 1 }).map(groundTruthOf);
    expect(t).not.toHaveProperty('placement');
    expect(t).not.toHaveProperty('duty');
    expect(Object.keys(fleet({ devices: 1 }).map(groundTruthOf)[0] ?? {})).toEqual([
      'deviceId',
      'machineType',
      'failureMode',
      'onsetMs',
      'failureMs',
    ]);
  });

  it('keeps the analysis attributes out of the telemetry', () => {
    const spec = effectsFleet(ALL, { devices: 4 })[0] as DeviceSpec;
    for (const s of samples(spec)) {
      for (const r of [...s.late, ...(s.reading === null ? [] : [s.reading])]) {
        expect(Object.keys(r).sort()).toEqual(['metrics', 'ts']);
        expect(
          Object.keys(r.metrics).every((k) =>
            /^(temperature_c|vibration_rms_mm_s|current_a|pressure_bar|flow_m3h|speed_rpm)$/.test(k),
          ),
        ).toBe(true);
      }
    }
  });
});
