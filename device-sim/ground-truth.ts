import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { decodeJson, deviceIdSchema, timestampMsSchema } from '../contracts/index.js';
import { DUTY_KINDS, FAILURE_MODES, MACHINE_TYPES, type DeviceSpec } from './model/types.js';

/** One line of the ground-truth file: what will happen to a device, in simulated epoch ms. */
export const groundTruthSchema = z.object({
  deviceId: deviceIdSchema,
  machineType: z.enum(MACHINE_TYPES),
  failureMode: z.enum(FAILURE_MODES).nullable(),
  onsetMs: timestampMsSchema.nullable(),
  /** Assumes nobody lowers the device's load limit: `set-load` below 1 postpones the failure. */
  failureMs: timestampMsSchema.nullable(),
  // For analysis only, present when effects are on; none of it is in the telemetry.
  site: z.string().optional(),
  utcOffsetHours: z.number().optional(),
  placement: z.enum(['indoor', 'outdoor']).optional(),
  duty: z.enum(DUTY_KINDS).optional(),
  looseConnector: z.boolean().optional(),
});
export type GroundTruth = z.infer<typeof groundTruthSchema>;

export function groundTruthOf(spec: DeviceSpec): GroundTruth {
  const truth: GroundTruth = {
    deviceId: spec.deviceId,
    machineType: spec.machineType,
    failureMode: spec.fault?.mode ?? null,
    onsetMs: spec.fault?.onsetMs ?? null,
    failureMs: spec.fault?.failureMs ?? null,
  };
  const fx = spec.effects;
  if (fx === undefined) return truth;
  truth.site = fx.site.siteId;
  truth.utcOffsetHours = fx.site.utcOffsetHours;
  if (fx.weather) truth.placement = fx.outdoor ? 'outdoor' : 'indoor';
  if (fx.duty !== null) truth.duty = fx.duty.kind;
  truth.looseConnector = fx.glitches !== null;
  return truth;
}

export function formatGroundTruth(specs: readonly DeviceSpec[]): string {
  return specs.map((spec) => `${JSON.stringify(groundTruthOf(spec))}\n`).join('');
}

export async function writeGroundTruth(file: string, specs: readonly DeviceSpec[]): Promise<void> {
  await writeFile(file, formatGroundTruth(specs), 'utf8');
}

/** Reads a ground-truth file back; throws naming the first bad line. */
export function parseGroundTruth(text: string): GroundTruth[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const result = decodeJson(groundTruthSchema, line);
      if (!result.ok) throw new Error(`ground truth line ${i + 1}: ${result.reason}`);
      return result.value;
    });
}
