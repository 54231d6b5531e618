import type { AlertRecord } from '../../contracts/index.js';
import type { Assessment, MetricAssessment } from './detector/device-state.js';
import type { MachineType } from './detector/profiles.js';

/** A device's latest health, as the console shows it. Times are device time. */
export interface DeviceHealth {
  deviceId: string;
  machineType: MachineType;
  at: number;
  health: number;
  anomaly: number;
  rulHours: number | null;
  driver: string | null;
  alert: 'warning' | 'critical' | null;
  /** True while the device's baseline is still being learnt: health is 1 by definition then. */
  learning: boolean;
  running: boolean;
  metrics: Record<string, MetricAssessment>;
}

export interface MaintenanceEvents {
  /** An alert opened, escalated (severity critical) or cleared (severity info), once stored. */
  alert: [alert: AlertRecord];
  /** The latest assessment of a device after each stored batch. */
  health: [health: DeviceHealth];
}

export function deviceHealthOf(a: Assessment): DeviceHealth {
  return {
    deviceId: a.deviceId,
    machineType: a.machineType,
    at: a.atMs,
    health: a.health,
    anomaly: a.anomaly,
    rulHours: a.rulHours,
    driver: a.driver,
    alert: a.alert.severity,
    learning: a.learning,
    running: a.running,
    metrics: a.metrics,
  };
}
