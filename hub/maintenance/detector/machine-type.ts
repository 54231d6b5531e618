import { MACHINE_TYPES, METRICS, type MachineType } from './profiles.js';

function isMachineType(value: unknown): value is MachineType {
  return typeof value === 'string' && (MACHINE_TYPES as readonly string[]).includes(value);
}

/**
 * The registry's `machineType` attribute when an operator set one; otherwise what the metrics
 * say: only pumps report pressure or flow, only motors report shaft speed.
 */
export function machineTypeOf(
  attributes: Readonly<Record<string, unknown>> | undefined,
  metrics: Readonly<Record<string, number>>,
): MachineType | null {
  const declared = attributes?.machineType;
  if (isMachineType(declared)) return declared;
  if (METRICS.pressure in metrics || METRICS.flow in metrics) return 'pump';
  if (METRICS.speed in metrics) return 'motor';
  return null;
}
