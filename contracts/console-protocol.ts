import { z } from 'zod';
import { commandIdSchema } from './command-id.js';
import { deviceIdSchema } from './device-id.js';
import { gatewayIdSchema } from './gateway-id.js';
import { alertRecordSchema, COMMAND_STATUSES } from './kafka-values.js';
import { commandNameSchema } from './mqtt-topics.js';
import { jsonObjectSchema, metricNameSchema, metricsSchema, timestampMsSchema } from './primitives.js';

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

/** Devices one connection may watch at once: what the hub holds for a slow console stays bounded. */
export const MAX_WATCHED_DEVICES = 64;

const watchedDeviceIds = z.array(deviceIdSchema).min(1).max(MAX_WATCHED_DEVICES);

/** Live telemetry of these devices, from now on, until `unwatch` or the connection ends. */
export const watchMessageSchema = z.strictObject({
  type: z.literal('watch'),
  ...optionalRequestId,
  deviceIds: watchedDeviceIds,
});
export type WatchMessage = z.infer<typeof watchMessageSchema>;

export const unwatchMessageSchema = z.strictObject({
  type: z.literal('unwatch'),
  ...optionalRequestId,
  deviceIds: watchedDeviceIds,
});
export type UnwatchMessage = z.infer<typeof unwatchMessageSchema>;

export const clientMessageSchema = z.discriminatedUnion('type', [
  issueCommandMessageSchema,
  pingMessageSchema,
  watchMessageSchema,
  unwatchMessageSchema,
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

/** An alert that is open now: the latest record of its kind for the device, with a severity above info. */
export const openAlertSchema = z.object({
  kind: z.string().min(1).max(64),
  severity: z.enum(['warning', 'critical']),
  at: timestampMsSchema,
  message: z.string().max(1024),
  metric: metricNameSchema.optional(),
  rulHours: z.number().min(0).optional(),
});
export type OpenAlert = z.infer<typeof openAlertSchema>;

/** One row of the fleet view. Fields the hub does not know (yet) are left out. */
export const deviceStateSchema = z.object({
  deviceId: deviceIdSchema,
  /** False for a device that sent data without being in the registry (DEVICE_AUTH=none). */
  registered: z.boolean(),
  /** The registry attribute `machineType`, when it is a short string. */
  machineType: z.string().max(32).optional(),
  online: z.boolean(),
  /** Where the device is connected, or where it was last connected. */
  gatewayId: gatewayIdSchema.optional(),
  /** When the current presence began (gateway clock). */
  presenceAt: timestampMsSchema.optional(),
  /** When the device's latest reading reached Kafka. */
  lastSeen: timestampMsSchema.optional(),
  /** 0 (failed) to 1 (healthy), from the maintenance model's latest point. */
  health: z.number().min(0).max(1).optional(),
  rulHours: z.number().min(0).optional(),
  /** Device time of that health point. */
  healthAt: timestampMsSchema.optional(),
  alerts: z.array(openAlertSchema),
});
export type DeviceState = z.infer<typeof deviceStateSchema>;

/** Sent once after `hello`: the whole fleet, and the newest alert records (oldest first). */
export const fleetSnapshotMessageSchema = z.object({
  type: z.literal('fleetSnapshot'),
  at: timestampMsSchema,
  devices: z.array(deviceStateSchema),
  recentAlerts: z.array(alertRecordSchema),
});
export type FleetSnapshotMessage = z.infer<typeof fleetSnapshotMessageSchema>;

/**
 * What changed since the previous snapshot or changes: whole rows of changed devices, devices gone
 * from the registry, and newer `lastSeen` times (kept apart: they change with every reading).
 * A slow console gets these merged, never dropped.
 */
export const fleetChangesMessageSchema = z.object({
  type: z.literal('fleetChanges'),
  at: timestampMsSchema,
  devices: z.array(deviceStateSchema),
  removed: z.array(deviceIdSchema),
  seen: z.record(deviceIdSchema, timestampMsSchema),
});
export type FleetChangesMessage = z.infer<typeof fleetChangesMessageSchema>;

export const telemetrySampleSchema = z.object({
  deviceId: deviceIdSchema,
  /** Device time. */
  ts: timestampMsSchema,
  metrics: metricsSchema,
});
export type TelemetrySample = z.infer<typeof telemetrySampleSchema>;

/**
 * Readings of watched devices. A console that keeps up gets every reading; a slow one gets the
 * latest reading per device, and `skipped` counts the readings it did not get.
 */
export const telemetryMessageSchema = z.object({
  type: z.literal('telemetry'),
  samples: z.array(telemetrySampleSchema),
  skipped: z.int().min(0).optional(),
});
export type TelemetryMessage = z.infer<typeof telemetryMessageSchema>;

/** An alert record as the maintenance consumer wrote it; severity `info` clears its kind. */
export const alertMessageSchema = z.object({
  type: z.literal('alert'),
  alert: alertRecordSchema,
});
export type AlertMessage = z.infer<typeof alertMessageSchema>;

/** The answer to `watch` and `unwatch`: every device this connection watches now. */
export const watchingMessageSchema = z.object({
  type: z.literal('watching'),
  ...optionalRequestId,
  deviceIds: z.array(deviceIdSchema),
});
export type WatchingMessage = z.infer<typeof watchingMessageSchema>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  helloMessageSchema,
  commandStatusMessageSchema,
  commandAcceptedMessageSchema,
  pongMessageSchema,
  errorMessageSchema,
  fleetSnapshotMessageSchema,
  fleetChangesMessageSchema,
  telemetryMessageSchema,
  alertMessageSchema,
  watchingMessageSchema,
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type ServerMessageType = ServerMessage['type'];
