import { z } from 'zod';
import { commandIdSchema } from './command-id.js';
import {
  jsonObjectSchema,
  metricsSchema,
  sequenceSchema,
  severitySchema,
  timestampMsSchema,
} from './primitives.js';

// Device payloads use z.object, which strips unknown keys: firmware in the field may send
// extra fields, and refusing them would gain nothing. Types are still checked strictly.

export const readingSchema = z.object({
  ts: timestampMsSchema.optional(),
  seq: sequenceSchema.optional(),
  metrics: metricsSchema,
});
export type Reading = z.infer<typeof readingSchema>;

export const MAX_READINGS_PER_MESSAGE = 1000;

export const telemetryPayloadSchema = z.union([
  readingSchema,
  z.array(readingSchema).min(1).max(MAX_READINGS_PER_MESSAGE),
]);
export type TelemetryPayload = z.infer<typeof telemetryPayloadSchema>;

export function telemetryReadings(payload: TelemetryPayload): Reading[] {
  return Array.isArray(payload) ? payload : [payload];
}

export const eventPayloadSchema = z.object({
  ts: timestampMsSchema.optional(),
  type: z.string().min(1).max(64),
  severity: severitySchema.optional(),
  data: jsonObjectSchema.optional(),
});
export type EventPayload = z.infer<typeof eventPayloadSchema>;

export const commandPayloadSchema = z.object({
  id: commandIdSchema,
  params: jsonObjectSchema,
  expiresAt: timestampMsSchema,
});
export type CommandPayload = z.infer<typeof commandPayloadSchema>;

export const COMMAND_RESULT_STATUSES = ['succeeded', 'failed', 'rejected'] as const;
export type CommandResultStatus = (typeof COMMAND_RESULT_STATUSES)[number];

export const commandResultPayloadSchema = z.object({
  id: commandIdSchema,
  status: z.enum(COMMAND_RESULT_STATUSES),
  detail: z.string().max(1024).optional(),
  data: jsonObjectSchema.optional(),
});
export type CommandResultPayload = z.infer<typeof commandResultPayloadSchema>;

export const DEVICE_ERROR_CODES = [
  'invalid_json',
  'invalid_payload',
  'payload_too_large',
  'topic_not_allowed',
  'unknown_topic',
  'unknown_command',
  // The gateway shed a QoS 0 message because its buffer towards Kafka was full.
  'overloaded',
  // Kafka refused the record; the device may retry.
  'internal_error',
] as const;
export type DeviceErrorCode = (typeof DEVICE_ERROR_CODES)[number];

export const deviceErrorPayloadSchema = z.object({
  code: z.enum(DEVICE_ERROR_CODES),
  message: z.string().max(1024),
  topic: z.string().max(65535),
});
export type DeviceErrorPayload = z.infer<typeof deviceErrorPayloadSchema>;
