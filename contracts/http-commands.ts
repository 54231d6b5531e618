import { z } from 'zod';
import { deviceIdSchema } from './device-id.js';
import { COMMAND_STATUSES, commandRecordSchema, commandStatusRecordSchema } from './kafka-values.js';
import { commandNameSchema } from './mqtt-topics.js';
import { commandIdSchema } from './command-id.js';
import { jsonObjectSchema, timestampMsSchema } from './primitives.js';

// /api/commands: issue, look up, list. Strict requests, lenient replies, as for /api/devices.

export const COMMANDS_PATH = '/api/commands';
export const commandPath = (commandId: string): string => `${COMMANDS_PATH}/${encodeURIComponent(commandId)}`;

export const MIN_TTL_MS = 1000;

/** The hub's own limits on what a command may ask; its config sets them. */
export interface IssueLimits {
  defaultTtlMs: number;
  maxTtlMs: number;
  maxParamsBytes: number;
}

/** The body of POST /api/commands, and the fields of the console's issueCommand message. */
export function issueCommandRequestSchema(limits: IssueLimits) {
  return z.strictObject({
    deviceId: deviceIdSchema,
    name: commandNameSchema,
    params: jsonObjectSchema.default({}),
    ttlMs: z
      .int('ttlMs must be an integer number of milliseconds')
      .min(MIN_TTL_MS, `ttlMs must be at least ${MIN_TTL_MS}`)
      .max(limits.maxTtlMs, `ttlMs must be at most ${limits.maxTtlMs} (COMMAND_MAX_TTL_MS)`)
      .default(Math.min(limits.defaultTtlMs, limits.maxTtlMs)),
  });
}
export type IssueCommandRequest = z.infer<ReturnType<typeof issueCommandRequestSchema>>;
/** What a client sends: `params` and `ttlMs` may be left out. */
export type IssueCommandBody = z.input<ReturnType<typeof issueCommandRequestSchema>>;

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;

/** GET /api/commands?deviceId=&limit= */
export const commandListQuerySchema = z.strictObject({
  deviceId: deviceIdSchema.optional(),
  limit: z
    .string()
    .regex(/^\d{1,9}$/, 'must be a positive integer')
    .transform(Number)
    .pipe(z.int().min(1, 'must be at least 1').max(MAX_LIST_LIMIT, `must be at most ${MAX_LIST_LIMIT}`))
    .default(DEFAULT_LIST_LIMIT),
});
export type CommandListQuery = z.infer<typeof commandListQuerySchema>;

/** 202 to POST /api/commands: the command is in Kafka; its status follows. */
export const acceptedCommandSchema = z.object({
  id: commandIdSchema,
  status: z.literal('queued'),
  expiresAt: timestampMsSchema,
});
export type AcceptedCommand = z.infer<typeof acceptedCommandSchema>;

/** One status record as a command's history keeps it. */
export const statusEntrySchema = commandStatusRecordSchema.pick({
  status: true,
  at: true,
  gatewayId: true,
  detail: true,
});
export type StatusEntry = z.infer<typeof statusEntrySchema>;

export const commandSummarySchema = z.object({
  command: commandRecordSchema,
  status: z.enum(COMMAND_STATUSES),
  /** When the current status was recorded. */
  updatedAt: timestampMsSchema,
});
export type CommandSummary = z.infer<typeof commandSummarySchema>;

/** 200 to GET /api/commands/{id} */
export const commandViewSchema = commandSummarySchema.extend({ history: z.array(statusEntrySchema) });
export type CommandView = z.infer<typeof commandViewSchema>;

/** 200 to GET /api/commands, newest first. */
export const commandListSchema = z.object({
  commands: z.array(commandSummarySchema),
  limit: z.int().min(1),
});
export type CommandList = z.infer<typeof commandListSchema>;
