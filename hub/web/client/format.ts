export type HealthLevel = 'ok' | 'warn' | 'crit' | 'unknown';

// The maintenance model's default thresholds: a warning opens at 85 %, turns critical at 50 %.
export function healthLevel(health: number | undefined): HealthLevel {
  if (health === undefined) return 'unknown';
  if (health >= 0.85) return 'ok';
  return health >= 0.5 ? 'warn' : 'crit';
}

export function percent(health: number | undefined): string {
  return health === undefined ? '—' : `${Math.round(health * 100)} %`;
}

export function hours(value: number | undefined): string {
  if (value === undefined) return '—';
  if (value >= 1000) return `${Math.round(value).toLocaleString('en')} h`;
  return `${value.toFixed(value < 10 ? 1 : 0)} h`;
}

/** "4 s ago", "12 min ago"; a time in the future (another clock) reads as "just now". */
export function ago(time: number | undefined, now: number): string {
  if (time === undefined) return 'never';
  const s = Math.max(0, Math.round((now - time) / 1000));
  if (s < 2) return 'just now';
  if (s < 90) return `${s} s ago`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min ago`;
  const h = Math.round(min / 60);
  return h < 48 ? `${h} h ago` : `${Math.round(h / 24)} d ago`;
}

export function clock(time: number): string {
  return new Date(time).toLocaleTimeString('en-GB', { hour12: false });
}

const UNITS: [suffix: string, unit: string][] = [
  ['_c', '°C'],
  ['_mm_s', 'mm/s'],
  ['_a', 'A'],
  ['_bar', 'bar'],
  ['_m3h', 'm³/h'],
  ['_rpm', 'rpm'],
];

/** `vibration_rms_mm_s` -> "Vibration rms (mm/s)". */
export function metricLabel(name: string): string {
  const match = UNITS.find(([suffix]) => name.endsWith(suffix));
  const base = match ? name.slice(0, -match[0].length) : name;
  const words = base.replace(/[_.-]+/g, ' ').trim();
  const title = words.charAt(0).toUpperCase() + words.slice(1);
  return match ? `${title} (${match[1]})` : title;
}
