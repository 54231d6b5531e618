import { z } from 'zod';
import { deviceIdSchema } from './device-id.js';
import { jsonObjectSchema, timestampMsSchema } from './primitives.js';

// /api/devices: provision, list, look up, remove, rotate secrets. Request bodies and queries are
// strict, so a misspelt field is an error; replies use z.object (unknown keys stripped), so a
// client keeps working against a newer hub.

export const DEVICES_PATH = '/api/devices';
export const devicePath = (deviceId: string): string => `${DEVICES_PATH}/${encodeURIComponent(deviceId)}`;
export const deviceSecretPath = (deviceId: string): string => `${devicePath(deviceId)}/secret`;

/** POST /api/devices */
export const createDeviceRequestSchema = z.strictObject({
  id: deviceIdSchema,
  attributes: jsonObjectSchema.default({}),
});
export type CreateDeviceRequest = z.infer<typeof createDeviceRequestSchema>;
/** What a client sends: `attributes` may be left out. */
export type CreateDeviceBody = z.input<typeof createDeviceRequestSchema>;

export const MAX_PAGE_LIMIT = 1000;
export const DEFAULT_PAGE_LIMIT = 100;

const count = (max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a non-negative integer')
    .transform(Number)
    .pipe(z.int().max(max, `must be at most ${max}`));

/** GET /api/devices?limit=&offset= */
export const pageQuerySchema = z.strictObject({
  limit: count(MAX_PAGE_LIMIT).pipe(z.int().min(1, 'must be at least 1')).default(DEFAULT_PAGE_LIMIT),
  offset: count(1_000_000_000).default(0),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

/** What operators see of a device: never its secret or the secret's hash. */
export const deviceSummarySchema = z.object({
  id: deviceIdSchema,
  createdAt: timestampMsSchema,
  attributes: jsonObjectSchema,
});
export type DeviceSummary = z.infer<typeof deviceSummarySchema>;

const secretSchema = z.string().min(1);

/** 201 to POST /api/devices: the only time the secret is shown. */
export const createdDeviceSchema = deviceSummarySchema.extend({ secret: secretSchema });
export type CreatedDevice = z.infer<typeof createdDeviceSchema>;

/** 200 to GET /api/devices, devices in id order. */
export const deviceListSchema = z.object({
  devices: z.array(deviceSummarySchema),
  total: z.int().min(0),
  limit: z.int().min(1),
  offset: z.int().min(0),
});
export type DeviceList = z.infer<typeof deviceListSchema>;

/** 200 to POST /api/devices/{id}/secret */
export const rotatedSecretSchema = z.object({ id: deviceIdSchema, secret: secretSchema });
export type RotatedSecret = z.infer<typeof rotatedSecretSchema>;
