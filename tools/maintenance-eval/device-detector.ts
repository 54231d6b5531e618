/** One device's detector as the evaluation drives it: a reading in, what it concluded out. */
export interface Step {
  /** An alert opened with this reading. */
  opened: boolean;
  rulHours: number | null;
}

export interface DeviceDetector {
  observe(atMs: number, metrics: Readonly<Record<string, number>>): Step;
}
