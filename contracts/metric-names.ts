/** Metric names on the wire. One vocabulary for both machine types where the quantity is the same. */
export const METRICS = {
  temperature: 'temperature_c',
  vibration: 'vibration_rms_mm_s',
  current: 'current_a',
  pressure: 'pressure_bar',
  flow: 'flow_m3h',
  speed: 'speed_rpm',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];
