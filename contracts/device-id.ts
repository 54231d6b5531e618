import { z } from 'zod';

export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const deviceIdSchema = z
  .string()
  .regex(DEVICE_ID_PATTERN, 'device id must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$');

export type DeviceId = z.infer<typeof deviceIdSchema>;

export function isValidDeviceId(s: string): boolean {
  return typeof s === 'string' && DEVICE_ID_PATTERN.test(s);
}
