import { deviceStateCreate, observe } from '../../hub/maintenance/detector/device-state.js';
import type { DetectorParams } from '../../hub/maintenance/detector/params.js';
import type { MachineProfile } from '../../hub/maintenance/detector/profiles.js';
import type { DeviceDetector, Step } from './device-detector.js';

/** The maintenance detector exactly as the consumer runs it, wrapped for the evaluation. */
export function modelDetector(
  deviceId: string,
  profile: MachineProfile,
  params: DetectorParams,
  startMs: number,
): DeviceDetector {
  const state = deviceStateCreate(deviceId, profile.machineType, startMs);
  return {
    observe(atMs, metrics): Step {
      const a = observe(state, atMs, metrics, profile, params);
      if (a === null) return { opened: false, rulHours: null };
      return { opened: a.change?.type === 'opened', rulHours: a.alert.severity === null ? null : a.rulHours };
    },
  };
}
