import type { EventPayload, Reading } from '../../contracts/index.js';
import { initialState, stepDevice } from './step.js';
import type { DeviceSpec } from './types.js';

export interface SimulateWindow {
  fromMs: number;
  toMs: number;
  /** Simulated time between readings. */
  intervalMs: number;
}

export interface SimulatedSample {
  atMs: number;
  /** Null once a silent machine has failed, or when the transport lost or held it back. */
  reading: Reading | null;
  /** Readings measured earlier and delivered at this step, before `reading`. */
  late: Reading[];
  events: EventPayload[];
}

/**
 * One device's readings over a simulated window at a fixed cadence, with no MQTT and no clock:
 * what an offline evaluation of predictive maintenance feeds on. Same spec, same samples.
 */
export function* simulateDevice(spec: DeviceSpec, window: SimulateWindow): Generator<SimulatedSample> {
  if (!(window.intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${window.intervalMs}`);
  let state = initialState(spec, window.fromMs);
  for (let t = window.fromMs; t <= window.toMs; t += window.intervalMs) {
    const step = stepDevice(spec, state, t);
    state = step.state;
    yield { atMs: t, reading: step.reading, late: step.late ?? [], events: step.events };
  }
}
