import { z } from 'zod';
import { commandIdSchema } from './command-id.js';
import { deviceIdSchema } from './device-id.js';
import { gatewayIdSchema } from './gateway-id.js';
import { COMMAND_STATUSES } from './kafka-values.js';
import { commandNameSchema } from './mqtt-topics.js';
import { jsonObjectSchema, timestampMsSchema } from './primitives.js';

// The operator console's WebSocket protocol: JSON text frames, one message each, told apart by
// `type`. A feature adds a message by adding a member to one of the two unions below, so the
// existing members never change shape when fleet snapshots, telemetry or alerts arrive.

export const CONSOLE_PROTOCOL_VERSION = 1;

/** The subprotocol a client offers (and the hub selects) when it authenticates with `bearer.<token>`. */
export const CONSOLE_SUBPROTOCOL = 'iot-console.v1';

/** A browser cannot set headers on a WebSocket, so it offers its token as the subprotocol `bearer.<token>`. */
export const CONSOLE_BEARER_SUBPROTOCOL_PREFIX = 'bearer.';

export const CONSOLE_PATH = '/ws';

/** Chosen by the client and echoed in the answer, so it can match answers to requests. */
export const requestIdSchema = z
  .string()
  .regex(/^[\x21-\x7E]{1,64}$/, 'requestId must be 1-64 visible ASCII characters');

const optionalRequestId = { requestId: requestIdSchema.optional() };

// Client messages are strict, as HTTP bodies are: a misspelt field is an error, not ignored.

export const issueCommandMessageSchema = z.strictObject({
  type: z.literal('issueCommand'),
  ...optionalRequestId,
  deviceId: deviceIdSchema,
  name: commandNameSchema,
  params: jsonObjectSchema.default({}),
  /** Defaults to the hub's COMMAND_DEFAULT_TTL_MS; the hub checks the range. */
  ttlMs: z.int().optional(),
});
export type IssueCommandMessage = z.infer<typeof issueCommandMessageSchema>;

export const pingMessageSchema = z.strictObject({ type: z.literal('ping'), ...optionalRequestId });
export type PingMessage = z.infer<typeof pingMessageSchema>;

export const clientMessageSchema = z.discriminatedUnion('type', [
  issueCommandMessageSchema,
  pingMessageSchema,
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];
export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = clientMessageSchema.options.map(
  (o) => o.shape.type.value,
);

// Server messages use z.object (unknown keys stripped): a console may meet a newer hub.

export const helloMessageSchema = z.object({
  type: z.literal('hello'),
  protocol: z.literal(CONSOLE_PROTOCOL_VERSION),
  serverTime: timestampMsSchema,
  commands: z.object({ defaultTtlMs: z.int(), maxTtlMs: z.int(), maxParamsBytes: z.int() }),
});
export type HelloMessage = z.infer<typeof helloMessageSchema>;

/** The current status of a command changed. Never dropped under backpressure. */
export const commandStatusMessageSchema = z.object({
  type: z.literal('commandStatus'),
  id: commandIdSchema,
  deviceId: deviceIdSchema,
  status: z.enum(COMMAND_STATUSES),
  at: timestampMsSchema,
  gatewayId: gatewayIdSchema.optional(),
  detail: z.string().max(1024).optional(),
});
export type CommandStatusMessage = z.infer<typeof commandStatusMessageSchema>;

export const commandAcceptedMessageSchema = z.object({
  type: z.literal('commandAccepted'),
  ...optionalRequestId,
  id: commandIdSchema,
  status: z.literal('queued'),
  expiresAt: timestampMsSchema,
});
export type CommandAcceptedMessage = z.infer<typeof commandAcceptedMessageSchema>;

export const pongMessageSchema = z.object({
  type: z.literal('pong'),
  ...optionalRequestId,
  serverTime: timestampMsSchema,
});
export type PongMessage = z.infer<typeof pongMessageSchema>;

export const CONSOLE_ERROR_CODES = [
  /** Not JSON, not an object, an unknown `type`, or fields that do not fit the message's schema. */
  'invalid_message',
  /** A well-formed request the hub refuses, such as a ttlMs out of range. */
  'invalid_request',
  'payload_too_large',
  'not_found',
  'unavailable',
  'internal_error',
] as const;
export type ConsoleErrorCode = (typeof CONSOLE_ERROR_CODES)[number];

export const errorMessageSchema = z.object({
  type: z.literal('error'),
  ...optionalRequestId,
  code: z.enum(CONSOLE_ERROR_CODES),
  reason: z.string().max(1024),
});
export type ErrorMessage = z.infer<typeof errorMessageSchema>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  helloMessageSchema,
  commandStatusMessageSchema,
  commandAcceptedMessageSchema,
  pongMessageSchema,
  errorMessageSchema,
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type ServerMessageType = ServerMessage['type'];
