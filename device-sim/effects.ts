/**
 * The simulator's switchable effects: each one a way real fleets differ from the plain model.
 * All are off by default, and a fleet with none of them is exactly the original simulator.
 *
 * FROZEN since 2026-12-01 for the maintenance evaluation matrix (`MATRIX_VERSION` in
 * tools/maintenance-eval/matrix.ts): what the effects do, their parameters and their random draws
 * define the held-out cells. Changing them after detector results are known would tune the test
 * to the detector; a changed simulator needs a new matrix version.
 */
export const EFFECT_NAMES = [
  'weather',
  'duty',
  'pump-curves',
  'motor-physics',
  'glitches',
  'dropouts',
  'late-readings',
  'faults-extended',
] as const;
export type EffectName = (typeof EFFECT_NAMES)[number];

export interface EffectOptions {
  enabled: readonly EffectName[];
  /** Scales how many devices have sensor trouble and how often (glitches, dropouts, late readings). */
  troubleRate?: number;
  /** Sites the fleet is spread over. */
  sites?: number;
}

export const DEFAULT_SITES = 4;

export type EffectListParse = { ok: true; effects: EffectName[] } | { ok: false; reason: string };

/** `weather,duty`, `all` or `none`; order and repeats do not matter. */
export function parseEffectList(text: string): EffectListParse {
  const words = text
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');
  if (words.length === 1 && words[0] === 'all') return { ok: true, effects: [...EFFECT_NAMES] };
  if (words.length === 0 || (words.length === 1 && words[0] === 'none')) return { ok: true, effects: [] };
  const unknown = words.filter((w) => !(EFFECT_NAMES as readonly string[]).includes(w));
  if (unknown.length > 0)
    return {
      ok: false,
      reason: `unknown effect ${unknown.join(', ')}; expected all, none or some of: ${EFFECT_NAMES.join(', ')}`,
    };
  return { ok: true, effects: EFFECT_NAMES.filter((name) => words.includes(name)) };
}
