import { z } from 'zod';
import { commandIdSchema } from './command-id.js';
import { deviceIdSchema } from './device-id.js';
import { gatewayIdSchema } from './gateway-id.js';
import { commandNameSchema } from './mqtt-topics.js';
import {
  jsonObjectSchema,
  metricNameSchema,
  metricsSchema,
  sequenceSchema,
  severitySchema,
  timestampMsSchema,
} from './primitives.js';

// Record values use z.object (unknown keys stripped): within one major schema version a
// producer may add optional fields, and older consumers must keep working.

export const telemetryRecordSchema = z.object({
  deviceId: deviceIdSchema,
  ts: timestampMsSchema,
  receivedAt: timestampMsSchema,
  seq: sequenceSchema.optional(),
  metrics: metricsSchema,
});
export type TelemetryRecord = z.infer<typeof telemetryRecordSchema>;

export const eventRecordSchema = z.object({
  deviceId: deviceIdSchema,
  ts: timestampMsSchema,
  receivedAt: timestampMsSchema,
  type: z.string().min(1).max(64),
  severity: severitySchema.default('info'),
  data: jsonObjectSchema.optional(),
});
export type EventRecord = z.infer<typeof eventRecordSchema>;

export const PRESENCE_STATUSES = ['connected', 'disconnected'] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

export const presenceRecordSchema = z.object({
  deviceId: deviceIdSchema,
  status: z.enum(PRESENCE_STATUSES),
  gatewayId: gatewayIdSchema,
  at: timestampMsSchema,
  reason: z.string().max(256).optional(),
});
export type PresenceRecord = z.infer<typeof presenceRecordSchema>;

export const commandRecordSchema = z
  .object({
    id: commandIdSchema,
    deviceId: deviceIdSchema,
    name: commandNameSchema,
    params: jsonObjectSchema,
    issuedAt: timestampMsSchema,
    expiresAt: timestampMsSchema,
    issuedBy: z.string().min(1).max(128),
  })
  .refine((c) => c.expiresAt >= c.issuedAt, {
    message: 'expiresAt must not be before issuedAt',
    path: ['expiresAt'],
  });
export type CommandRecord = z.infer<typeof commandRecordSchema>;

export const COMMAND_STATUSES = [
  'queued',
  'sent',
  'delivered',
  'succeeded',
  'failed',
  'rejected',
  'expired',
] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

export const TERMINAL_COMMAND_STATUSES: ReadonlySet<CommandStatus> = new Set<CommandStatus>([
  'succeeded',
  'failed',
  'rejected',
  'expired',
]);

export function isTerminalCommandStatus(status: CommandStatus): boolean {
  return TERMINAL_COMMAND_STATUSES.has(status);
}

export const commandStatusRecordSchema = z.object({
  id: commandIdSchema,
  deviceId: deviceIdSchema,
  status: z.enum(COMMAND_STATUSES),
  at: timestampMsSchema,
  detail: z.string().max(1024).optional(),
  gatewayId: gatewayIdSchema.optional(),
});
export type CommandStatusRecord = z.infer<typeof commandStatusRecordSchema>;

export const alertRecordSchema = z.object({
  deviceId: deviceIdSchema,
  at: timestampMsSchema,
  kind: z.string().min(1).max(64),
  severity: severitySchema,
  metric: metricNameSchema.optional(),
  score: z.number(),
  rulHours: z.number().min(0).optional(),
  message: z.string().min(1).max(1024),
});
export type AlertRecord = z.infer<typeof alertRecordSchema>;

// deviceId and clientId are whatever the sender claimed: a dead letter may exist
// precisely because they were invalid, so they are not held to the device id pattern.
export const deadLetterRecordSchema = z.object({
  reason: z.string().min(1).max(2048),
  source: z.string().min(1).max(128),
  topic: z.string().max(65535).optional(),
  deviceId: z.string().max(256).optional(),
  clientId: z.string().max(256).optional(),
  payloadBase64: z.base64(),
  at: timestampMsSchema,
  // Optional, so dead letters written before payloads were truncated still parse.
  /** Size of the whole refused payload; `payloadBase64` may hold only its first bytes. */
  payloadBytes: z.number().int().nonnegative().optional(),
  /** SHA-256 of the whole refused payload, lowercase hex. */
  payloadSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** True when `payloadBase64` holds only the first bytes of the payload. */
  payloadTruncated: z.boolean().optional(),
});
export type DeadLetterRecord = z.infer<typeof deadLetterRecordSchema>;

/**
 * `sha256$saltB64$hashB64`, what the hub writes; or the legacy `scrypt$N$r$p$saltB64$hashB64`,
 * valid until the hub rotates or re-provisions that secret.
 */
export const SECRET_HASH_PATTERN =
  /^(?:sha256|scrypt\$[1-9]\d{0,6}\$[1-9]\d{0,6}\$[1-9]\d{0,6})\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/;

// Every login against a legacy hash runs scrypt with the parameters the record names, so a record
// may not ask for more than twice the work of the hub's old default (N=2^14, r=8, p=1: N·r·p = 2^17);
// memory (128·N·r bytes) then stays under 32 MiB.
export const SCRYPT_MAX_COST = 2 ** 18;

export function scryptParamsAllowed(N: number, r: number, p: number): boolean {
  return (
    [N, r, p].every((v) => Number.isSafeInteger(v) && v >= 1) &&
    N * r * p <= SCRYPT_MAX_COST &&
    N >= 2 &&
    (N & (N - 1)) === 0
  );
}

function secretHashWithinLimits(hash: string): boolean {
  if (!hash.startsWith('scrypt$')) return true;
  const [, N, r, p] = hash.split('$');
  return scryptParamsAllowed(Number(N), Number(r), Number(p));
}

export const deviceRegistryRecordSchema = z.object({
  deviceId: deviceIdSchema,
  secretHash: z
    .string()
    .regex(
      SECRET_HASH_PATTERN,
      'secretHash must look like sha256$saltB64$hashB64 or scrypt$N$r$p$saltB64$hashB64',
    )
    .refine(secretHashWithinLimits, 'scrypt parameters ask for more than N·r·p = 2^18'),
  createdAt: timestampMsSchema,
  attributes: jsonObjectSchema.default({}),
});
export type DeviceRegistryRecord = z.infer<typeof deviceRegistryRecordSchema>;
