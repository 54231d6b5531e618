/** Metric names on the wire. One vocabulary for both machine types where the quantity is the same. */
export const METRIC = {
  temperature: 'temperature_c',
  vibration: 'vibration_rms_mm_s',
  current: 'current_a',
  pressure: 'pressure_bar',
  flow: 'flow_m3h',
  speed: 'speed_rpm',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

export function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
